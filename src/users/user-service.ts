import { randomUUID } from 'node:crypto';
import type { Audit } from '../auth/audit.js';
import { scopesToStore } from '../auth/scopes.js';
import { passwordProblem, usernameKey, usernameProblem } from './credentials.js';
import type { PasswordHasher } from './password-hasher.js';
import type { User, UserRepository } from './user-repository.js';

export class WeakCredentialsError extends Error {
  override name = 'WeakCredentialsError';
  constructor(
    readonly field: 'username' | 'password',
    readonly problem: string,
  ) {
    super(`${field} ${problem}`);
  }
}

export class UsernameTakenError extends Error {
  override name = 'UsernameTakenError';
  constructor() {
    super('That username is taken.');
  }
}

export class UnknownUserError extends Error {
  override name = 'UnknownUserError';
  constructor(username: string) {
    super(`No user named ${username}`);
  }
}

export type Login =
  | { ok: true; user: User }
  | { ok: false; reason: 'invalid_credentials' | 'account_disabled' };

export interface UserServiceOptions {
  repository: UserRepository;
  hasher: PasswordHasher;
  /** Called when a user is disabled: their refresh tokens must die with the account. */
  revokeUserTokens: (userId: string) => Promise<void>;
  defaultScopes: string[];
  /** The scopes a user may be given. */
  knownScopes: readonly string[];
  now: () => number;
  audit: Audit;
  /** Told when an account is disabled (other instances drop what they cached of it). */
  onDisabled?: (userId: string) => void;
}

/** Public view of a user: never the hash. */
export function publicUser(user: User) {
  return {
    id: user.id,
    username: user.username,
    ...(user.fullName !== null && { fullName: user.fullName }),
    scopes: user.scopes,
    disabled: user.disabled,
    createdAt: new Date(user.createdAt).toISOString(),
  };
}

export function userService(options: UserServiceOptions) {
  const { repository, hasher, revokeUserTokens, defaultScopes, now, audit } = options;

  async function byName(username: string): Promise<User> {
    const user = await repository.findByKey(usernameKey(username));
    if (user === undefined) throw new UnknownUserError(username);
    return user;
  }

  return {
    async registerUser(input: {
      username: string;
      password: string;
      fullName?: string | undefined;
      scopes?: string[];
    }): Promise<User> {
      const usernameIssue = usernameProblem(input.username);
      if (usernameIssue !== undefined) throw new WeakCredentialsError('username', usernameIssue);
      const passwordIssue = passwordProblem(input.password, input.username);
      if (passwordIssue !== undefined) throw new WeakCredentialsError('password', passwordIssue);
      const scopes =
        input.scopes === undefined
          ? defaultScopes
          : scopesToStore(input.scopes, options.knownScopes);
      const at = now();
      const user: User = {
        id: randomUUID(),
        username: input.username.normalize('NFKC'),
        fullName: input.fullName ?? null,
        passwordHash: await hasher.hashPassword(input.password),
        scopes,
        disabled: false,
        createdAt: at,
        updatedAt: at,
      };
      if (!(await repository.insert(user, usernameKey(user.username))))
        throw new UsernameTakenError();
      audit('user.registered', { userId: user.id });
      return user;
    },

    /**
     * Checks a username and password. An unknown name costs one argon2 verification like a
     * wrong password, and both give the same answer.
     */
    async authenticateUser(username: string, password: string): Promise<Login> {
      const user =
        usernameProblem(username) === undefined
          ? await repository.findByKey(usernameKey(username))
          : undefined;
      const valid = await hasher.verifyPassword(user?.passwordHash, password);
      if (user === undefined || !valid) return { ok: false, reason: 'invalid_credentials' };
      if (user.disabled) return { ok: false, reason: 'account_disabled' };
      if (hasher.needsRehash(user.passwordHash)) {
        await repository.setPasswordHash(user.id, await hasher.hashPassword(password), now());
      }
      return { ok: true, user };
    },

    findUser: (id: string) => repository.findById(id),

    async disableUser(username: string): Promise<User> {
      const user = await byName(username);
      await repository.setDisabled(user.id, true, now());
      await revokeUserTokens(user.id);
      options.onDisabled?.(user.id);
      audit('user.disabled', { userId: user.id });
      return { ...user, disabled: true };
    },

    async enableUser(username: string): Promise<User> {
      const user = await byName(username);
      await repository.setDisabled(user.id, false, now());
      audit('user.enabled', { userId: user.id });
      return { ...user, disabled: false };
    },
  };
}

export type UserService = ReturnType<typeof userService>;
