import { TooManyRequestsError } from '../http/problem.js';

/** Failures seen for one key (a username or client id, from one IP). */
export interface FailureRecord {
  failures: number;
  /** Epoch ms until which the key is locked; 0 when not locked. */
  lockedUntil: number;
  /** Lockouts so far: each one doubles the next. */
  lockouts: number;
}

/** Where failure records live: process memory, or Redis so every instance counts together. */
export interface LockoutStore {
  get(key: string): Promise<FailureRecord | undefined>;
  set(key: string, record: FailureRecord, ttlMs: number): Promise<void>;
  delete(key: string): Promise<void>;
}

export function memoryLockoutStore(now: () => number, maxEntries = 100_000): LockoutStore {
  const records = new Map<string, { record: FailureRecord; expiresAt: number }>();
  return {
    async get(key) {
      const entry = records.get(key);
      if (entry === undefined) return undefined;
      if (entry.expiresAt <= now()) {
        records.delete(key);
        return undefined;
      }
      return entry.record;
    },
    async set(key, record, ttlMs) {
      // Bounded: an attacker cycling keys cannot grow memory without limit.
      if (records.size >= maxEntries && !records.has(key)) {
        const oldest = records.keys().next();
        if (!oldest.done) records.delete(oldest.value);
      }
      records.set(key, { record, expiresAt: now() + ttlMs });
    },
    async delete(key) {
      records.delete(key);
    },
  };
}

export interface LockoutPolicy {
  /** Consecutive failures that lock the key. */
  threshold: number;
  /** The first lockout; each further one doubles, up to `maxMs`. */
  baseMs: number;
  maxMs: number;
}

/** A key that is locked, and for how much longer: answered 429 with Retry-After. */
export class LockedOut extends TooManyRequestsError {
  override name = 'LockedOut';
  constructor(retryAfterSeconds: number) {
    super(`Too many failed attempts; retry after ${retryAfterSeconds} s.`, retryAfterSeconds);
  }
}

// A quiet day forgets past lockouts, so the growth is for sustained attacks only.
const MEMORY_MS = 24 * 3600 * 1000;

/**
 * Growing lockout after repeated failures. Keys combine the account and the caller's IP:
 * an attacker locks only their own attempts, never the real user on another network.
 */
export function lockout(store: LockoutStore, policy: LockoutPolicy, now: () => number) {
  return {
    /**
     * Throws LockedOut while the key is locked; a locked attempt is not even checked.
     * Returns whether failures are on record (so a success knows whether to clear them).
     */
    async assertNotLocked(key: string): Promise<boolean> {
      const record = await store.get(key);
      if (record !== undefined && record.lockedUntil > now()) {
        throw new LockedOut(Math.ceil((record.lockedUntil - now()) / 1000));
      }
      return record !== undefined;
    },

    /** Counts a failure; returns the lock length in seconds when this one locked the key. */
    async recordFailure(key: string): Promise<number | undefined> {
      const record = (await store.get(key)) ?? { failures: 0, lockedUntil: 0, lockouts: 0 };
      const failures = record.failures + 1;
      if (failures < policy.threshold) {
        await store.set(key, { ...record, failures }, MEMORY_MS);
        return undefined;
      }
      const lockMs = Math.min(policy.baseMs * 2 ** record.lockouts, policy.maxMs);
      await store.set(
        key,
        { failures: 0, lockedUntil: now() + lockMs, lockouts: record.lockouts + 1 },
        MEMORY_MS,
      );
      return Math.ceil(lockMs / 1000);
    },

    async recordSuccess(key: string): Promise<void> {
      await store.delete(key);
    },
  };
}

export type Lockout = ReturnType<typeof lockout>;
