import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import { TooManyRequestsError } from './problem.js';

export interface RateLimitOptions {
  /** A store shared by every instance (Redis); per-process memory when absent. */
  store?: (new (...args: never[]) => unknown) | undefined;
}

/**
 * @fastify/rate-limit's counters (memory, or Redis shared by every instance). No route is
 * limited by default; features ask for limits with `limitBy`, which answers with the IETF
 * draft RateLimit-* headers and Retry-After.
 */
export const rateLimits = fp<RateLimitOptions>(
  async (app: FastifyInstance, { store }) => {
    await app.register(rateLimit, {
      global: false,
      // A store that still fails must not take the API down with it.
      skipOnError: true,
      ...(store !== undefined && { store: store as never }),
    });
  },
  { name: 'rate-limits' },
);

export interface Limit {
  /** Requests allowed per window; 0 turns the limit off. */
  max: number;
  windowMs: number;
  /** Names what is counted: a client, a user, or (the default) the caller's IP. */
  key?: (request: FastifyRequest) => string | undefined;
  /** Keeps counters of different limits apart. */
  group: string;
}

/**
 * A hook that counts requests per key and answers 429 past the limit; undefined when off.
 * Built on `createRateLimit`: the plugin's own route hooks run only one limit per request,
 * and a token request is counted both per IP and per client.
 */
export function limitBy(app: FastifyInstance, limit: Limit): onRequestAsyncHookHandler | undefined {
  if (limit.max <= 0) return undefined;
  const { key } = limit;
  const check = app.createRateLimit({
    max: limit.max,
    timeWindow: limit.windowMs,
    keyGenerator: (request: FastifyRequest) => `${limit.group}:${key?.(request) ?? request.ip}`,
  });
  return async (request, reply) => {
    const result = await check(request);
    if (result.isAllowed) return;
    // With several limits on a route, the headers tell of the one closest to running out.
    const shown = reply.getHeader('ratelimit-remaining');
    if (shown === undefined || result.remaining < Number(shown)) {
      reply.header('ratelimit-limit', result.max);
      reply.header('ratelimit-remaining', result.remaining);
      reply.header('ratelimit-reset', result.ttlInSeconds);
    }
    if (result.isExceeded) {
      throw new TooManyRequestsError(
        `Rate limit reached: ${result.max} requests per ${Math.round(result.timeWindow / 1000)} s.`,
        result.ttlInSeconds,
      );
    }
  };
}
