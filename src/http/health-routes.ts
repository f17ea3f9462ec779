import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';

export interface HealthCheck {
  /** Resolves when the dependency answers. */
  check: () => Promise<void>;
  /** Without it nothing works (the database); without the others the service runs degraded. */
  critical: boolean;
}

export interface HealthOptions {
  checks: Readonly<Record<string, HealthCheck>>;
  timeoutMs?: number;
}

function withTimeout(check: () => Promise<void>, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timed out')), ms);
    check()
      .then(resolve, reject)
      .finally(() => clearTimeout(timer));
  });
}

export const healthRoutes: FastifyPluginAsyncTypebox<HealthOptions> = async (app, options) => {
  const timeoutMs = options.timeoutMs ?? 2000;

  app.get(
    '/health',
    {
      schema: {
        tags: ['health'],
        summary: 'Liveness and dependencies',
        response: {
          200: Type.Object({ status: Type.Literal('ok') }),
          503: Type.Object({
            status: Type.Union([Type.Literal('unavailable'), Type.Literal('degraded')]),
            failing: Type.Array(Type.String()),
          }),
        },
      },
    },
    async (_request, reply) => {
      const checks = Object.entries(options.checks);
      const results = await Promise.allSettled(
        checks.map(([, { check }]) => withTimeout(check, timeoutMs)),
      );
      const failing = checks.filter((_, i) => results[i]?.status === 'rejected');
      reply.header('cache-control', 'no-store');
      if (failing.length === 0) return { status: 'ok' as const };
      const status = failing.some(([, { critical }]) => critical) ? 'unavailable' : 'degraded';
      return reply.code(503).send({ status, failing: failing.map(([name]) => name) });
    },
  );

  app.get(
    '/ping',
    {
      schema: {
        tags: ['health'],
        response: { 200: Type.Object({ message: Type.Literal('pong') }) },
      },
    },
    async () => ({ message: 'pong' as const }),
  );
};
