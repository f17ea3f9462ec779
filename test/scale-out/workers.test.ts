import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { basic, tempDir, testDatabaseUrl } from '../helpers.js';
import { startServer } from '../process.js';

const CLIENT = { id: 'workers-client', secret: 'workers-secret-0123456789abcdef0123456789' };

describe('WORKERS=2 on one machine', { timeout: 120_000 }, () => {
  test('two processes share the port; a revocation on one is honoured by both at once', async () => {
    const { dir, cleanup } = tempDir();
    const server = await startServer({
      WORKERS: '2',
      DATABASE_URL: testDatabaseUrl(dir),
      BOOTSTRAP_CLIENT_ID: CLIENT.id,
      BOOTSTRAP_CLIENT_SECRET: CLIENT.secret,
    });
    // Both workers log that they listen; wait for the second before counting on it.
    while ((server.output().match(/Server listening at/g) ?? []).length < 2) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const pids = new Set(
      server
        .output()
        .split('\n')
        .filter((line) => line.includes('Server listening at'))
        .map((line) => JSON.parse(line).pid),
    );
    assert.equal(pids.size, 2, 'two worker processes');

    const issued = await fetch(`${server.url}/auth/token`, {
      method: 'POST',
      headers: {
        authorization: basic(CLIENT.id, CLIENT.secret),
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials',
    });
    const { access_token } = (await issued.json()) as { access_token: string };
    // New connections are spread round-robin over the workers: warm both caches.
    const statuses = async () =>
      Promise.all(
        Array.from(
          { length: 8 },
          async () =>
            (
              await fetch(`${server.url}/protected`, {
                headers: { authorization: `Bearer ${access_token}`, connection: 'close' },
              })
            ).status,
        ),
      );
    assert.deepEqual(new Set(await statuses()), new Set([200]));
    const revoked = await fetch(`${server.url}/auth/revoke`, {
      method: 'POST',
      headers: {
        authorization: basic(CLIENT.id, CLIENT.secret),
        'content-type': 'application/x-www-form-urlencoded',
        connection: 'close',
      },
      body: `token=${access_token}`,
    });
    assert.equal(revoked.status, 200);
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.deepEqual(new Set(await statuses()), new Set([401]), 'every worker refuses it');
    assert.equal(await server.stop('SIGTERM'), 0, 'the primary stops its workers and exits 0');
    cleanup();
  });
});
