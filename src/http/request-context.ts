import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { atEndOfTurn } from './end-of-turn.js';

const REQUEST_ID = /^[\w.:-]{1,128}$/;

/** Keeps a caller's `X-Request-Id` when it is a plain token, so logs correlate across hops. */
export function requestIdOf(request: IncomingMessage): string {
  const given = request.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

declare module 'fastify' {
  interface FastifyRequest {
    /** `performance.now()` when the request came in. */
    startedAt: number;
  }
}

/**
 * `X-Request-Id`, `X-Duration-MS` (server time, 2 decimals) and the fixed security headers
 * on every response: one hook on the way in, one on the way out, since each hook is a
 * measurable share of a small request's cost. The way out also holds each answer until the
 * end of the event loop's turn (`atEndOfTurn`), so that a turn's answers are written together.
 */
export const requestContext = fp<{ headers: Record<string, string> }>(
  async (app: FastifyInstance, { headers }) => {
    app.decorateRequest('startedAt', 0);
    // Callback hooks: an async one costs every request a promise and a microtask turn.
    app.addHook('onRequest', (request, reply, done) => {
      request.startedAt = performance.now();
      reply.headers(headers);
      reply.header('x-request-id', request.id);
      done();
    });
    app.addHook('onSend', (request, reply, payload, done) => {
      atEndOfTurn(() => {
        reply.header('x-duration-ms', (performance.now() - request.startedAt).toFixed(2));
        done(null, payload);
      });
    });
  },
  { name: 'request-context' },
);
