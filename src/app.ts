import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Audit } from './auth/audit.js';
import type { RouteGuard } from './auth/bearer-guard.js';
import type { NewClient } from './auth/client-service.js';
import { oauthServer } from './auth/oauth-server.js';
import { startRevocationList } from './auth/revocation-list.js';
import type { Config } from './config.js';
import { migrate } from './db/migrate.js';
import { seedOnFirstStart } from './db/seed.js';
import { AccessLog } from './http/access-log.js';
import { answerClientError } from './http/client-error.js';
import { errorHandler } from './http/error-handler.js';
import { etag } from './http/etag.js';
import { healthRoutes } from './http/health-routes.js';
import { addHooks } from './http/hooks.js';
import { logRedaction, logRequest } from './http/log-redaction.js';
import { limitBy, rateLimits } from './http/rate-limit.js';
import { registerJsonBodyParser } from './http/request-body.js';
import { requestContext, requestIdOf } from './http/request-context.js';
import { Problem } from './http/schemas.js';
import { API_HEADERS, securityHeaders } from './http/security-headers.js';
import { swaggerDocs } from './http/swagger.js';
import { unrouted } from './http/unrouted.js';
import { validatorCompilerBuilder } from './http/validation.js';
import { type KeyManager, startKeyManager } from './keys/key-manager.js';
import { cachedPlayerRepository } from './players/cached-repository.js';
import { playerRepository } from './players/repository.js';
import { playersRoutes } from './players/routes.js';
import { startScaleOut } from './scale-out/scale-out.js';
import { KNOWN_SCOPES, SCOPES } from './scopes.js';
import { createServices, ensureClients, type Services } from './services.js';
import type { HashParameters } from './users/password-hasher.js';
export const REALM = 'players-api';
const BODY_LIMIT = 1024 * 1024;
const ROUTER_OPTIONS = { ignoreTrailingSlash: true };
// Bounds how stale a read can be when another instance's write notice is lost (Redis down).
const PLAYER_CACHE_TTL_MS = 1000;

export interface AppOptions {
  config: Config;
  /** Injected clock (epoch ms) for tests of expiry and rotation. */
  now?: () => number;
  /** Shown once when the service makes a client (development, bootstrap without secret). */
  announceClient?: (client: NewClient) => void;
  logger?: boolean;
  /** Where log lines go (tests capture them); stdout by default. */
  logStream?: NodeJS.WritableStream;
  /** argon2id parameters; OWASP's by default. */
  hashParameters?: HashParameters;
}

function createFastify(config: Config, options: AppOptions) {
  return Fastify({
    logger:
      options.logger === false
        ? false
        : {
            level: config.LOG_LEVEL,
            ...(options.logStream !== undefined && { stream: options.logStream }),
            redact: logRedaction,
            serializers: { req: logRequest },
          },
    logController: new AccessLog(),
    genReqId: requestIdOf,
    requestIdHeader: false,
    bodyLimit: BODY_LIMIT,
    trustProxy: config.TRUST_PROXY,
    routerOptions: ROUTER_OPTIONS,
    // A 100 kB Authorization header reaches the guard and gets a 401, not a bare 431.
    http: { maxHeaderSize: 128 * 1024 },
    requestTimeout: 30_000,
    clientErrorHandler: answerClientError,
    schemaController: {
      compilersFactory: {
        buildValidator: validatorCompilerBuilder() as never,
      },
    },
  }).withTypeProvider<TypeBoxTypeProvider>();
}

/** Builds the whole service (migrated, seeded, keys loaded) without listening. */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { config } = options;
  const now = options.now ?? Date.now;
  const app = createFastify(config, options);
  const auditLog = app.log.child({ audit: true });
  // prom-client is loaded only when metrics are on.
  const metrics = config.METRICS ? (await import('./http/metrics.js')).createMetrics() : undefined;
  const audit: Audit = (event, fields) => {
    auditLog.info({ event, ...fields }, event);
    metrics?.observe(event, fields);
  };
  const scaleOut = await startScaleOut(config, now);
  const { events } = scaleOut;
  const services = createServices(config, {
    now,
    audit,
    events,
    ...(options.hashParameters && { hashParameters: options.hashParameters }),
  });
  const { database, clients, keys, users, refreshTokens } = services;
  app.addHook('onClose', async () => {
    await scaleOut.close();
    await database.close();
  });
  try {
    await migrate(database, seedOnFirstStart);
    await ensureClients(config, services, options.announceClient ?? (() => {}));
  } catch (error) {
    await app.close();
    throw error;
  }

  app.addSchema(Problem);
  // Only JSON (and forms, on the OAuth routes) are accepted: anything else is a 415.
  app.removeContentTypeParser('text/plain');
  registerJsonBodyParser(app);
  app.decorate('services', services);

  const onError = (what: string) => (error: unknown) => app.log.warn({ err: error }, what);
  const signingKeys = await startKeyManager(keys, {
    now,
    onError: onError('signing keys could not be reloaded'),
  });
  const revocations = await startRevocationList({
    db: database.db,
    now,
    onError: onError('revocations could not be reloaded'),
    onRevoked: (jti, expiresAt) => events.publish({ type: 'token.revoked', jti, expiresAt }),
  });
  app.decorate('signingKeys', signingKeys);
  app.addHook('onClose', async () => {
    signingKeys.stop();
    revocations.stop();
  });

  // Before any route, so that it sees them all.
  await app.register(unrouted, { routerOptions: ROUTER_OPTIONS });
  await app.register(requestContext, {
    headers: securityHeaders(API_HEADERS),
  });
  if (metrics !== undefined) {
    let guard: RouteGuard | undefined;
    // The guard is decorated by the OAuth server, registered below; it is looked up on first use.
    await app.register((await import('./http/metrics.js')).metricsPlugin, {
      metrics,
      guard: (request, reply, done) => {
        guard ??= app.requireScope('admin');
        guard(request, reply, done);
      },
    });
  }
  await app.register(errorHandler);
  // Closed unless origins are configured: without the plugin no response grants CORS, and
  // requests do not pay for its hook (10–20% of a small request, measured on GET /ping).
  if (config.CORS_ORIGINS !== undefined) {
    await app.register((await import('@fastify/cors')).default, {
      origin: config.CORS_ORIGINS,
      exposedHeaders: [
        'location',
        'etag',
        'www-authenticate',
        'retry-after',
        'x-request-id',
        'x-duration-ms',
      ],
    });
  }
  await app.register(rateLimits, { store: scaleOut.rateLimitStore });
  await app.register(swaggerDocs, { scopes: SCOPES });
  await app.register(oauthServer, {
    issuer: config.ISSUER,
    audience: config.AUDIENCE,
    realm: REALM,
    accessTokenTtl: config.ACCESS_TOKEN_TTL,
    clockTolerance: config.CLOCK_TOLERANCE,
    failureStatus: config.AUTH_FAILURE_STATUS === '403' ? 403 : 401,
    allowRegistration: config.ALLOW_REGISTRATION ?? config.NODE_ENV !== 'production',
    scopes: KNOWN_SCOPES,
    clients,
    users,
    refreshTokens,
    signingKeys,
    revocations,
    events,
    lockoutStore: scaleOut.lockoutStore,
    lockoutPolicy: {
      threshold: config.LOCKOUT_THRESHOLD,
      baseMs: config.LOCKOUT_SECONDS * 1000,
      maxMs: config.LOCKOUT_MAX_SECONDS * 1000,
    },
    limits: {
      windowMs: config.RATE_LIMIT_WINDOW * 1000,
      authPerIp: config.RATE_LIMIT_AUTH_PER_IP,
      tokenPerClient: config.RATE_LIMIT_TOKEN_PER_CLIENT,
    },
    now,
    audit,
    ...(metrics !== undefined && {
      observe: {
        tokenCache: (hit: boolean) => metrics.tokenCache(hit),
        bearerRejected: (reason: string) => metrics.observe('bearer.rejected', { reason }),
      },
    }),
  });
  await app.register(healthRoutes, {
    checks: {
      database: { check: () => database.ping(), critical: true },
      ...(scaleOut.ping !== undefined && { redis: { check: scaleOut.ping, critical: false } }),
    },
  });
  const writesPerClient = limitBy(app, {
    max: config.RATE_LIMIT_WRITES_PER_CLIENT,
    windowMs: config.RATE_LIMIT_WINDOW * 1000,
    group: 'writes-client',
    key: (request) => request.token?.client_id,
  });
  await app.register(async (api) => {
    await api.register(etag);
    // The players routes only ask for a scope; how often a client may write is decided here.
    api.addHook('onRoute', (route) => {
      if (route.method !== 'GET' && route.method !== 'HEAD')
        addHooks(route, 'preHandler', writesPerClient);
    });
    const players = cachedPlayerRepository(playerRepository(database.db, database.write), {
      ttlMs: PLAYER_CACHE_TTL_MS,
      now,
      onWrite: () => events.publish({ type: 'players.changed' }),
    });
    events.subscribe((event) => {
      if (event.type === 'players.changed') players.invalidate();
    });
    await api.register(playersRoutes, { players });
  });
  return app;
}

declare module 'fastify' {
  interface FastifyInstance {
    services: Services;
    /** The signing keys this instance uses: ring, reload, rotate. */
    signingKeys: KeyManager;
  }
}
