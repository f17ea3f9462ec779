import { InvalidScope } from './errors.js';

// RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ), separated by single spaces.
export const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

/** A list typed by an operator (setting or CLI option): scopes separated by spaces or commas. */
export function parseScopeList(raw: string): string[] {
  return [...new Set(raw.split(/[\s,]+/).filter(Boolean))];
}

/**
 * The scopes to grant: those requested, which must all be allowed, or all the allowed ones
 * when none are requested (RFC 6749 §3.3 lets the server apply a default).
 */
export function grantedScopes(requested: string | undefined, allowed: readonly string[]): string[] {
  if (requested === undefined || requested.trim() === '') return [...allowed];
  const scopes: string[] = [];
  for (const scope of requested.split(' ')) {
    if (scope === '' || scopes.includes(scope)) continue;
    if (!SCOPE_TOKEN.test(scope)) throw new InvalidScope('The scope parameter is malformed.');
    scopes.push(scope);
  }
  const refused = scopes.filter((s) => !allowed.includes(s));
  if (refused.length > 0)
    throw new InvalidScope(`Scope not allowed for this client: ${refused.join(' ')}.`);
  return scopes;
}

export class UnknownScopeError extends Error {
  override name = 'UnknownScopeError';
  constructor(
    readonly scope: string,
    known: readonly string[],
  ) {
    super(`Unknown scope "${scope}": this service grants ${known.join(', ')}.`);
  }
}

/**
 * The scopes to store for a client or user, each once. A scope the service never grants
 * would make a client or user that can do nothing, so it is refused.
 */
export function scopesToStore(scopes: readonly string[], known: readonly string[]): string[] {
  const unknown = scopes.find((s) => !known.includes(s));
  if (unknown !== undefined) throw new UnknownScopeError(unknown, known);
  return [...new Set(scopes)];
}
