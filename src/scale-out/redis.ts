import { createRequire } from 'node:module';
import type { Redis } from 'ioredis';

// Loaded only with REDIS_URL set.
const require = createRequire(import.meta.url);

/**
 * A Redis connection that fails fast while Redis is away (no offline queue, one retry) and
 * keeps reconnecting in the background, so callers can fall back to local state at once.
 */
export function createRedis(url: string): Redis {
  const { Redis: RedisClient } = require('ioredis') as typeof import('ioredis');
  const redis = new RedisClient(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 3000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
  });
  // Errors surface as failed commands (and /health); the event itself needs no handler output.
  redis.on('error', () => {});
  return redis;
}

export class RedisUnavailableError extends Error {
  override name = 'RedisUnavailableError';
}

/** Connects at start; a wrong REDIS_URL is a start-up error, not a silent fallback. */
export async function connectRedis(redis: Redis): Promise<void> {
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    redis.disconnect();
    const reason = (error as { code?: string; message?: string }).code ?? (error as Error).message;
    throw new RedisUnavailableError(`REDIS_URL: cannot connect to Redis (${reason})`);
  }
}

export async function pingRedis(redis: Redis): Promise<void> {
  if (redis.status !== 'ready') throw new RedisUnavailableError(`Redis is ${redis.status}`);
  await redis.ping();
}
