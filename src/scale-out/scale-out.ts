import cluster from 'node:cluster';
import { type LockoutStore, memoryLockoutStore } from '../auth/lockout.js';
import type { Config } from '../config.js';
import { clusterEventBus, type EventBus, localEventBus, redisEventBus } from './event-bus.js';
import { fallbackRateLimitStore } from './rate-limit-store.js';
import { connectRedis, createRedis, pingRedis } from './redis.js';
import { redisLockoutStore } from './redis-lockout-store.js';

/** What running several instances needs: shared events, counters and lockouts, or local ones. */
export interface ScaleOut {
  events: EventBus;
  lockoutStore: LockoutStore;
  rateLimitStore: ReturnType<typeof fallbackRateLimitStore> | undefined;
  /** For /health: resolves while Redis answers (absent without REDIS_URL). */
  ping: (() => Promise<void>) | undefined;
  close(): Promise<void>;
}

export async function startScaleOut(config: Config, now: () => number): Promise<ScaleOut> {
  const local = memoryLockoutStore(now);
  if (config.REDIS_URL === undefined) {
    return {
      events: cluster.isWorker ? clusterEventBus() : localEventBus(),
      lockoutStore: local,
      rateLimitStore: undefined,
      ping: undefined,
      close: async () => {},
    };
  }
  const prefix = config.REDIS_PREFIX;
  const redis = createRedis(config.REDIS_URL);
  await connectRedis(redis);
  const events = await redisEventBus(redis, `${prefix}events`);
  return {
    events,
    lockoutStore: redisLockoutStore(redis, `${prefix}lockout:`, local),
    rateLimitStore: fallbackRateLimitStore(redis, `${prefix}rate:`),
    ping: () => pingRedis(redis),
    async close() {
      await events.close();
      redis.disconnect();
    },
  };
}
