import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';

export interface HealthOptions {
  /** Named checks; each resolves when its dependency answers. */
  checks: Readonly<Record<string, () => Promise<void>>>;
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
          503: Type.Object({ status: Type.String(), failing: Type.Array(Type.String()) }),
        },
      },
    },
    async (_request, reply) => {
      const names = Object.keys(options.checks);
      const results = await Promise.allSettled(
        names.map((name) => withTimeout(options.checks[name] as () => Promise<void>, timeoutMs)),
      );
      const failing = names.filter((_, i) => results[i]?.status === 'rejected');
      reply.header('cache-control', 'no-store');
      if (failing.length > 0) return reply.code(503).send({ status: 'unavailable', failing });
      return { status: 'ok' as const };
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
