import { createRequire } from 'node:module';
import type { Redis } from 'ioredis';

type Callback = (error: Error | null, result?: { current: number; ttl: number }) => void;
interface Store {
  incr(key: string, cb: Callback, timeWindow: number, max: number): void;
  read?(key: string, cb: Callback, timeWindow: number, max: number): void;
  child(routeOptions: StoreParams): Store;
}
interface StoreParams {
  continueExceeding: boolean;
  exponentialBackoff: boolean;
  routeInfo?: { method?: string; url?: string };
}
type StoreClass<Args extends unknown[]> = new (...args: Args) => Store;

// @fastify/rate-limit's own stores, reused rather than copied (CommonJS, untyped).
const require = createRequire(import.meta.url);
const RedisStore = require('@fastify/rate-limit/store/RedisStore.js') as StoreClass<
  [boolean, boolean, Redis, string]
>;
const LocalStore = require('@fastify/rate-limit/store/LocalStore.js') as StoreClass<
  [boolean, boolean, number?]
>;

/**
 * Rate-limit counters in Redis, shared by every instance; while Redis is away, counted in
 * this process's memory instead (per-instance limits beat no limits).
 */
export function fallbackRateLimitStore(redis: Redis, nameSpace: string) {
  return class FallbackStore implements Store {
    readonly shared: Store;
    readonly local: Store;

    constructor(params: StoreParams, shared?: Store, local?: Store) {
      this.shared =
        shared ??
        new RedisStore(params.continueExceeding, params.exponentialBackoff, redis, nameSpace);
      this.local =
        local ?? new LocalStore(params.continueExceeding, params.exponentialBackoff, 10_000);
    }

    incr(key: string, cb: Callback, timeWindow: number, max: number): void {
      if (redis.status !== 'ready') {
        this.local.incr(key, cb, timeWindow, max);
        return;
      }
      this.shared.incr(
        key,
        (error, result) => (error ? this.local.incr(key, cb, timeWindow, max) : cb(null, result)),
        timeWindow,
        max,
      );
    }

    child(routeOptions: StoreParams): Store {
      return new FallbackStore(
        routeOptions,
        this.shared.child(routeOptions),
        this.local.child(routeOptions),
      );
    }
  };
}
