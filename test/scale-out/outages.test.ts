import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { buildApp } from '../../src/app.js';
import { basic, TEST_SECRET_KEY, testConfig } from '../helpers.js';
import { runServerToExit } from '../process.js';
import { tcpProxy } from '../proxy.js';

const POSTGRES_URL = process.env.TEST_POSTGRES_URL || 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.TEST_REDIS_URL || 'redis://127.0.0.1:6379';
const CLIENT = {
  BOOTSTRAP_CLIENT_ID: 'outage-client',
  BOOTSTRAP_CLIENT_SECRET: 'outage-secret-0123456789abcdef0123456789',
};

async function until(check: () => Promise<boolean>, withinMs: number): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > withinMs) throw new Error(`not within ${withinMs} ms`);
    await sleep(50);
  }
}

describe('outages', { timeout: 120_000 }, () => {
  test('Redis away: tokens still issue and verify, limits fall back to memory, /health degraded, then recovers', async () => {
    const redisPort = Number(new URL(REDIS_URL).port || 6379);
    const proxy = await tcpProxy(redisPort, new URL(REDIS_URL).hostname);
    const app = await buildApp({
      config: testConfig({
        ...CLIENT,
        REDIS_URL: `redis://127.0.0.1:${proxy.port}`,
        REDIS_PREFIX: `test-outage-${randomBytes(4).toString('hex')}:`,
        RATE_LIMIT_TOKEN_PER_CLIENT: '3',
      }),
      logger: false,
    });
    const auth = {
      authorization: basic(CLIENT.BOOTSTRAP_CLIENT_ID, CLIENT.BOOTSTRAP_CLIENT_SECRET),
    };
    const issue = () =>
      app.inject({
        method: 'POST',
        url: '/auth/token',
        headers: auth,
        payload: { grant_type: 'client_credentials' },
      });
    const health = () => app.inject({ url: '/health' });
    assert.deepEqual((await health()).json(), { status: 'ok' });
    const before = (await issue()).json().access_token;

    await proxy.cut();
    await until(async () => (await health()).statusCode === 503, 5000);
    assert.deepEqual((await health()).json(), { status: 'degraded', failing: ['redis'] });
    const during = await issue();
    assert.equal(during.statusCode, 200, 'tokens still issue');
    for (const token of [before, during.json().access_token]) {
      const response = await app.inject({
        url: '/protected',
        headers: { authorization: `Bearer ${token}` },
      });
      assert.equal(response.statusCode, 200, 'and verify from local state and the database');
    }
    const statuses = [
      (await issue()).statusCode,
      (await issue()).statusCode,
      (await issue()).statusCode,
      (await issue()).statusCode,
    ];
    assert.ok(statuses.includes(429), `limits still apply from memory: ${statuses}`);

    await proxy.restore();
    await until(async () => (await health()).statusCode === 200, 10_000);
    await app.close();
    await proxy.close();
  });

  test('PostgreSQL away: /health 503 and problem 503s on routes, then it recovers by itself', async () => {
    const target = new URL(POSTGRES_URL);
    const proxy = await tcpProxy(Number(target.port || 5432), target.hostname);
    const schema = `t_outage_${randomBytes(4).toString('hex')}`;
    const viaProxy = new URL(POSTGRES_URL);
    viaProxy.host = `127.0.0.1:${proxy.port}`;
    viaProxy.searchParams.set('schema', schema);
    const app = await buildApp({
      config: testConfig({ ...CLIENT, DATABASE_URL: viaProxy.toString() }),
      logger: false,
    });
    assert.equal((await app.inject({ url: '/players/' })).statusCode, 200);
    const token = (
      await app.inject({
        method: 'POST',
        url: '/auth/token',
        headers: {
          authorization: basic(CLIENT.BOOTSTRAP_CLIENT_ID, CLIENT.BOOTSTRAP_CLIENT_SECRET),
        },
        payload: { grant_type: 'client_credentials' },
      })
    ).json().access_token;

    await proxy.cut();
    const health = await app.inject({ url: '/health' });
    assert.equal(health.statusCode, 503);
    assert.deepEqual(health.json(), { status: 'unavailable', failing: ['database'] });
    const write = await app.inject({
      method: 'POST',
      url: '/players/',
      headers: { authorization: `Bearer ${token}` },
      payload: { firstName: 'A', lastName: 'B', squadNumber: 97, position: 'GK' },
    });
    assert.equal(write.statusCode, 503);
    assert.equal(write.headers['content-type'], 'application/problem+json; charset=utf-8');
    assert.ok(Number(write.headers['retry-after']) > 0);
    assert.doesNotMatch(write.body, /ECONN|insert|pg|stack/i);
    // Reads are served from the one-second squad cache, then fail the same way.
    await sleep(1100);
    const read = await app.inject({ url: '/players/' });
    assert.equal(read.statusCode, 503);
    assert.equal(read.json().status, 503);

    await proxy.restore();
    await until(async () => (await app.inject({ url: '/players/' })).statusCode === 200, 10_000);
    assert.equal((await app.inject({ url: '/health' })).statusCode, 200);
    await app.close();
    await proxy.close();
    const client = new pg.Client({ connectionString: POSTGRES_URL });
    await client.connect();
    await client.query(`drop schema if exists ${schema} cascade`);
    await client.end();
  });

  test('a wrong DATABASE_URL or REDIS_URL stops the start with one line', async () => {
    const base = { SECRET_KEY: TEST_SECRET_KEY, NODE_ENV: 'test' };
    const database = await runServerToExit({
      ...base,
      DATABASE_URL: 'postgres://postgres@127.0.0.1:1/test',
    });
    assert.equal(database.code, 1);
    assert.equal(database.stderr.trim().split('\n').length, 1, database.stderr);
    assert.match(
      database.stderr,
      /^players-api: DATABASE_URL: cannot use the database \(ECONNREFUSED/,
    );
    const redis = await runServerToExit({
      ...base,
      DATABASE_URL: 'sqlite::memory:',
      REDIS_URL: 'redis://127.0.0.1:1',
    });
    assert.equal(redis.code, 1);
    assert.equal(redis.stderr.trim().split('\n').length, 1, redis.stderr);
    assert.match(redis.stderr, /^players-api: REDIS_URL: cannot connect to Redis/);
  });
});
