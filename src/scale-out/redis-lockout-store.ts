import type { Redis } from 'ioredis';
import type { FailureRecord, LockoutStore } from '../auth/lockout.js';

/** Failure counts shared by every instance; this process's memory while Redis is away. */
export function redisLockoutStore(
  redis: Redis,
  prefix: string,
  fallback: LockoutStore,
): LockoutStore {
  const up = () => redis.status === 'ready';
  return {
    async get(key) {
      if (!up()) return fallback.get(key);
      try {
        const value = await redis.get(prefix + key);
        return value === null ? undefined : (JSON.parse(value) as FailureRecord);
      } catch {
        return fallback.get(key);
      }
    },
    async set(key, record, ttlMs) {
      await fallback.set(key, record, ttlMs);
      if (up()) await redis.set(prefix + key, JSON.stringify(record), 'PX', ttlMs).catch(() => {});
    },
    async delete(key) {
      await fallback.delete(key);
      if (up()) await redis.del(prefix + key).catch(() => {});
    },
  };
}
