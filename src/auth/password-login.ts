import { usernameKey } from '../users/credentials.js';
import type { Login } from '../users/user-service.js';
import type { Audit } from './audit.js';
import type { Lockout } from './lockout.js';

export interface PasswordLoginOptions {
  authenticateUser(username: string, password: string): Promise<Login>;
  lockout: Lockout;
  audit: Audit;
}

/**
 * The one password check that every login path goes through (password grant, JSON and
 * form compatibility routes), so the lockout cannot be sidestepped by switching route.
 */
export function passwordLogin({ authenticateUser, lockout, audit }: PasswordLoginOptions) {
  return async function checkPassword(
    username: string,
    password: string,
    ip: string,
  ): Promise<Login> {
    const key = `login:${usernameKey(username)}:${ip}`;
    const hasFailures = await lockout.assertNotLocked(key);
    const login = await authenticateUser(username, password);
    if (login.ok) {
      if (hasFailures) await lockout.recordSuccess(key);
      return login;
    }
    audit('login.failed', { reason: login.reason, ip });
    if (login.reason === 'invalid_credentials') {
      const lockedFor = await lockout.recordFailure(key);
      if (lockedFor !== undefined) audit('lockout', { kind: 'user', ip, seconds: lockedFor });
    }
    return login;
  };
}

export type CheckPassword = ReturnType<typeof passwordLogin>;
