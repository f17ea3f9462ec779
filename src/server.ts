import cluster, { type Worker } from 'node:cluster';
import { buildApp } from './app.js';
import type { NewClient } from './auth/client-service.js';
import { type Config, ConfigError, loadConfig } from './config.js';
import { isDatabaseUnavailable } from './db/errors.js';
import { migrate } from './db/migrate.js';
import { seedOnFirstStart } from './db/seed.js';
import { relayClusterEvents } from './scale-out/event-bus.js';
import { RedisUnavailableError } from './scale-out/redis.js';
import { createServices, ensureClients } from './services.js';

// Longer than any sane request; a stuck one must not keep a deploy waiting forever.
const SHUTDOWN_TIMEOUT_MS = 15_000;

function announceClient({ client, secret }: NewClient): void {
  // Printed once, on purpose, to the terminal that started the service; never logged.
  process.stdout.write(
    [
      '',
      `A client was created (${client.origin}): keep its secret now, it is not shown again.`,
      `  client_id:     ${client.id}`,
      `  client_secret: ${secret}`,
      `  scopes:        ${client.scopes.join(' ')}`,
      '',
    ].join('\n'),
  );
}

/** The address in HOST and PORT is taken, or not one of this machine's. */
class ListenError extends Error {}

/** One line for what a user can fix (settings, unreachable database or Redis), no stack. */
function fail(error: unknown): never {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | null)?.code;
  let line: string;
  if (
    error instanceof ConfigError ||
    error instanceof RedisUnavailableError ||
    error instanceof ListenError
  )
    line = message;
  else if (isDatabaseUnavailable(error))
    line = `DATABASE_URL: cannot use the database (${code}: ${message})`;
  else line = `could not start: ${message}`;
  process.stderr.write(`players-api: ${line}\n`);
  process.exit(1);
}

function onSignals(handler: (signal: string) => void): void {
  process.once('SIGTERM', () => handler('SIGTERM'));
  process.once('SIGINT', () => handler('SIGINT'));
}

async function serve(config: Config, announce: (client: NewClient) => void): Promise<void> {
  const app = await buildApp({ config, announceClient: announce });
  onSignals((signal) => {
    app.log.info({ signal }, 'shutting down: finishing in-flight requests');
    setTimeout(() => {
      app.log.error('shutdown timed out; exiting');
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS).unref();
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        app.log.error({ err: error }, 'error while shutting down');
        process.exit(1);
      },
    );
  });
  try {
    await app.listen({ port: config.PORT, host: config.HOST });
  } catch (error) {
    await app.close();
    // Named here: fail() would take ENOTFOUND for the database's host.
    const reason = error instanceof Error ? error.message : String(error);
    throw new ListenError(
      `HOST and PORT: cannot listen on ${config.HOST}:${config.PORT} (${reason})`,
    );
  }
}

/**
 * WORKERS=N: the primary does the first-start work once (migrations, seed, clients) so
 * the workers do not race for it, then runs N workers on the one port and restarts any
 * that dies, until it is told to stop.
 */
async function supervise(config: Config): Promise<void> {
  const services = createServices(config);
  try {
    await migrate(services.database, seedOnFirstStart);
    await ensureClients(config, services, announceClient);
    await services.keys.loadKeyRing();
  } finally {
    await services.database.close();
  }
  let stopping = false;
  const started = Date.now();
  const relay = relayClusterEvents(() =>
    Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined),
  );
  cluster.on('message', relay);
  cluster.on('exit', (worker, code) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
      return;
    }
    if (code === 1 && worker.exitedAfterDisconnect === false && Date.now() - started < 5000) {
      // A worker that cannot start (bad settings, no database) will not do better on retry.
      process.stderr.write('players-api: a worker failed to start; stopping\n');
      process.exit(1);
    }
    cluster.fork();
  });
  for (let i = 0; i < config.WORKERS; i++) cluster.fork();
  onSignals(() => {
    stopping = true;
    setTimeout(() => process.exit(1), SHUTDOWN_TIMEOUT_MS).unref();
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
  });
}

try {
  const config = loadConfig();
  if (config.WORKERS > 1 && cluster.isPrimary) await supervise(config);
  else await serve(config, cluster.isWorker ? () => {} : announceClient);
} catch (error) {
  fail(error);
}
