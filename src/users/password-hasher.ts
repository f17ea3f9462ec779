import { availableParallelism } from 'node:os';
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

/** Runs at most `limit` of the given tasks at once, in arrival order. */
function limiter(limit: number) {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async function run<T>(task: () => Promise<T>): Promise<T> {
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      return await task();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}

/**
 * Password hashing on @node-rs/argon2, whose async calls run on libuv's thread pool, so
 * the event loop keeps serving requests while a hash is computed. At most one hash per
 * core but one runs at a time: on 2 cores, 16 logins hashing at once on the pool's 4
 * threads pushed GET /players/ p99 from 31 ms to 373 ms; the core left free keeps reads fast.
 */
export function passwordHasher(
  parameters: HashParameters = OWASP_ARGON2ID,
  concurrency = Math.max(1, availableParallelism() - 1),
) {
  const options = { algorithm: ARGON2ID as never, ...parameters };
  const run = limiter(concurrency);
  // Verified against when the user does not exist, so that case takes as long as a wrong password.
  const dummy = run(() => hash('not-a-real-password-for-timing', options));

  return {
    hashPassword: (password: string) => run(() => hash(password, options)),

    /** False for a wrong password or an unreadable hash, never an exception. */
    async verifyPassword(passwordHash: string | undefined, password: string): Promise<boolean> {
      try {
        const stored = passwordHash ?? (await dummy);
        return await run(() => verify(stored, password));
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
