import type { FastifyInstance, onRequestHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** The service's own measurements, fed by the audit events and the request hooks. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'players_api_' });
  const requests = new Histogram({
    name: 'players_api_http_request_duration_seconds',
    help: 'Request duration by route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const tokensIssued = new Counter({
    name: 'players_api_tokens_issued_total',
    help: 'Access tokens issued, by grant',
    labelNames: ['grant'] as const,
    registers: [registry],
  });
  const authFailures = new Counter({
    name: 'players_api_auth_failures_total',
    help: 'Authentication failures, by reason',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  const rateLimited = new Counter({
    name: 'players_api_rate_limited_total',
    help: 'Requests answered 429, by route',
    labelNames: ['route'] as const,
    registers: [registry],
  });
  const cacheLookups = new Counter({
    name: 'players_api_token_cache_lookups_total',
    help: 'Verified-token cache lookups, by result',
    labelNames: ['result'] as const,
    registers: [registry],
  });
  const cacheHitRatio = new Gauge({
    name: 'players_api_token_cache_hit_ratio',
    help: 'Share of bearer verifications served from the verified-token cache',
    registers: [registry],
    async collect() {
      const values = (await cacheLookups.get()).values;
      const count = (result: string) => values.find((v) => v.labels.result === result)?.value ?? 0;
      const total = count('hit') + count('miss');
      this.set(total === 0 ? 0 : count('hit') / total);
    },
  });
  void cacheHitRatio;

  return {
    registry,
    /** Turns audit events into counters. */
    observe(event: string, fields: Record<string, unknown> = {}): void {
      if (event === 'token.issued') tokensIssued.inc({ grant: String(fields.grant ?? 'unknown') });
      else if (event === 'login.failed')
        authFailures.inc({ reason: String(fields.reason ?? 'unknown') });
      else if (event === 'client.auth_failed') authFailures.inc({ reason: 'invalid_client' });
      else if (event === 'refresh.failed')
        authFailures.inc({ reason: `refresh_${String(fields.reason ?? 'invalid')}` });
      else if (event === 'bearer.rejected')
        authFailures.inc({ reason: String(fields.reason ?? 'invalid_token') });
    },
    tokenCache(hit: boolean): void {
      cacheLookups.inc({ result: hit ? 'hit' : 'miss' });
    },
    request(method: string, route: string, status: number, seconds: number): void {
      requests.observe({ method, route, status: String(status) }, seconds);
      if (status === 429) rateLimited.inc({ route });
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

export interface MetricsRouteOptions {
  metrics: Metrics;
  /** Who may read them: a bearer guard (scope admin). */
  guard: onRequestHookHandler;
}

/** Request timings for every route, and GET /metrics (Prometheus text) behind the guard. */
export const metricsPlugin = fp<MetricsRouteOptions>(
  async (app: FastifyInstance, { metrics, guard }) => {
    app.addHook('onResponse', async (request, reply) => {
      const route = request.routeOptions.url ?? 'unmatched';
      metrics.request(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
    });
    app.get(
      '/metrics',
      {
        onRequest: guard,
        schema: {
          tags: ['operations'],
          summary: 'Prometheus metrics (scope admin)',
          security: [{ oauth2: ['admin'] }],
        },
      },
      async (_request, reply) =>
        reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
    );
  },
  { name: 'metrics' },
);
