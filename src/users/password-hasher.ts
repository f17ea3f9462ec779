import { hash, verify } from '@node-rs/argon2';

// Algorithm is an ambient const enum upstream; its Argon2id member is 2.
const ARGON2ID = 2;

/** argon2id parameters; the default is OWASP's first recommendation (m=19 MiB, t=2, p=1). */
export interface HashParameters {
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

export const OWASP_ARGON2ID: HashParameters = { memoryCost: 19456, timeCost: 2, parallelism: 1 };

const PHC_PARAMS = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$/;

/**
 * Password hashing on @node-rs/argon2, whose async calls run on libuv's thread pool:
 * the event loop keeps serving requests while a hash is computed.
 */
export function passwordHasher(parameters: HashParameters = OWASP_ARGON2ID) {
  const options = { algorithm: ARGON2ID as never, ...parameters };
  // Verified against when the user does not exist, so that case takes as long as a wrong password.
  const dummy = hash('not-a-real-password-for-timing', options);

  return {
    hashPassword: (password: string) => hash(password, options),

    /** False for a wrong password or an unreadable hash, never an exception. */
    async verifyPassword(passwordHash: string | undefined, password: string): Promise<boolean> {
      try {
        return await verify(passwordHash ?? (await dummy), password);
      } catch {
        return false;
      }
    },

    /** True when the hash was made with other parameters than today's. */
    needsRehash(passwordHash: string): boolean {
      const match = PHC_PARAMS.exec(passwordHash);
      return (
        match === null ||
        Number(match[1]) !== parameters.memoryCost ||
        Number(match[2]) !== parameters.timeCost ||
        Number(match[3]) !== parameters.parallelism
      );
    },
  };
}

export type PasswordHasher = ReturnType<typeof passwordHasher>;
