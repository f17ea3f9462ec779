/**
 * A structured security event (token issued, failure with reason, reuse detected…).
 * Fields never hold a secret, password or token: ids, names and reasons only.
 */
export type Audit = (event: string, fields?: Record<string, unknown>) => void;

export const noAudit: Audit = () => {};
