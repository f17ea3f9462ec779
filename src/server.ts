import { buildApp } from './app.js';
import type { NewClient } from './auth/client-service.js';
import { type Config, ConfigError, loadConfig } from './config.js';

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

/** One line for errors a user can fix (settings, unreachable database), not a stack trace. */
function fail(error: unknown): never {
  const known = error instanceof ConfigError || (error as { code?: string })?.code !== undefined;
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`players-api: ${known ? message : `could not start: ${message}`}\n`);
  process.exit(1);
}

async function start(config: Config): Promise<void> {
  const app = await buildApp({ config, announceClient });
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
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
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  await app.listen({ port: config.PORT, host: config.HOST });
}

try {
  await start(loadConfig());
} catch (error) {
  fail(error);
}
