import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

const REQUEST_ID = /^[\w.:-]{1,128}$/;

/** Keeps a caller's `X-Request-Id` when it is a plain token, so logs correlate across hops. */
export function requestIdOf(request: IncomingMessage): string {
  const given = request.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

declare module 'fastify' {
  interface FastifyRequest {
    startedAt: bigint;
  }
}

/** `X-Request-Id` and `X-Duration-MS` (server time, 2 decimals) on every response. */
export const requestContext = fp(
  async (app: FastifyInstance) => {
    app.decorateRequest('startedAt', 0n);
    app.addHook('onRequest', async (request) => {
      request.startedAt = process.hrtime.bigint();
    });
    app.addHook('onSend', async (request, reply) => {
      const micros = Number((process.hrtime.bigint() - request.startedAt) / 1000n);
      reply.header('x-request-id', request.id);
      reply.header('x-duration-ms', (micros / 1000).toFixed(2));
    });
  },
  { name: 'request-context' },
);
