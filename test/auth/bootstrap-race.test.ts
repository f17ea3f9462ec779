import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { migrate } from '../../src/db/migrate.js';
import { createServices } from '../../src/services.js';
import { tempDir, testConfig } from '../helpers.js';

describe('BOOTSTRAP_CLIENT_* with instances starting at once', () => {
  test('two services making the same bootstrap client on an empty database both succeed', async () => {
    const { dir, cleanup } = tempDir();
    const config = testConfig({}, dir);
    const a = createServices(config);
    const b = createServices(config);
    await migrate(a.database);
    const secret = 'race-secret-0123456789abcdef0123456789';
    const results = await Promise.allSettled([
      a.clients.ensureBootstrapClient('racer', secret, ['write']),
      b.clients.ensureBootstrapClient('racer', secret, ['write']),
    ]);
    assert.deepEqual(
      results.map((r) => r.status),
      ['fulfilled', 'fulfilled'],
    );
    assert.ok(await a.clients.authenticateClient('racer', secret));
    assert.equal((await a.clients.listClients()).length, 1);
    await a.database.close();
    await b.database.close();
    cleanup();
  });
});
