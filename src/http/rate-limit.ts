import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import type { Redis } from 'ioredis';
import { TooManyRequestsError } from './problem.js';

export interface RateLimitOptions {
  /** Counters shared by every instance; per-process memory when absent. */
  redis?: Redis | undefined;
}

/**
 * @fastify/rate-limit with the IETF RateLimit-* headers and Retry-After. No route is
 * limited by default; features ask for limits with `limitBy`.
 */
export const rateLimits = fp<RateLimitOptions>(
  async (app: FastifyInstance, { redis }) => {
    await app.register(rateLimit, {
      global: false,
      enableDraftSpec: true,
      // A store that does not answer (Redis down) must not take the API down with it.
      skipOnError: true,
      ...(redis !== undefined && { redis, nameSpace: 'players-api:rate:' }),
      errorResponseBuilder: (_request, context) =>
        new TooManyRequestsError(
          `Rate limit reached: ${context.max} requests per ${context.after}.`,
          context.ttl / 1000,
        ),
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

/** A hook that counts requests per key and answers 429 past the limit; undefined when off. */
export function limitBy(app: FastifyInstance, limit: Limit): onRequestAsyncHookHandler | undefined {
  if (limit.max <= 0) return undefined;
  const { key } = limit;
  return app.rateLimit({
    max: limit.max,
    timeWindow: limit.windowMs,
    groupId: limit.group,
    ...(key !== undefined && {
      keyGenerator: (request: FastifyRequest) => key(request) ?? request.ip,
    }),
  }) as onRequestAsyncHookHandler;
}
