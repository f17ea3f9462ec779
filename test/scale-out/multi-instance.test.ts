import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { basic, newPlayer } from '../helpers.js';
import { type ServerProcess, startServer } from '../process.js';

export const POSTGRES_URL =
  process.env.TEST_POSTGRES_URL || 'postgres://postgres@127.0.0.1:5432/test';
export const REDIS_URL = process.env.TEST_REDIS_URL || 'redis://127.0.0.1:6379';
const CLIENT = { id: 'cluster-client', secret: 'cluster-secret-0123456789abcdef0123456789' };
const PASSWORD = 'cluster user passphrase';
const FORM = 'application/x-www-form-urlencoded';

// biome-ignore lint/suspicious/noExplicitAny: JSON answers of the service under test
const json = async (response: Response | Promise<Response>): Promise<any> =>
  (await response).json();

/** Polls until `check` holds; fails once `withinMs` has passed. */
async function eventually(check: () => Promise<boolean>, withinMs: number): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > withinMs) throw new Error(`not within ${withinMs} ms`);
    await sleep(20);
  }
}

describe('two instances on one PostgreSQL and one Redis', { timeout: 180_000 }, () => {
  const schema = `t_multi_${randomBytes(4).toString('hex')}`;
  let a: ServerProcess;
  let b: ServerProcess;

  const token = async (
    server: ServerProcess,
    form: string,
    auth = basic(CLIENT.id, CLIENT.secret),
  ) =>
    fetch(`${server.url}/auth/token`, {
      method: 'POST',
      headers: { authorization: auth, 'content-type': FORM },
      body: form,
    });
  const status = async (server: ServerProcess, path: string, bearer: string) =>
    (await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${bearer}` } }))
      .status;

  /** Waits until B refuses `access` on /protected; fails after a second. */
  const refusedOnB = (access: string) =>
    eventually(async () => (await status(b, '/protected', access)) === 401, 1000);

  /** A client made through A's admin API: its id, its Basic header, and the admin token. */
  const newClient = async (name: string) => {
    const admin = (await json(token(a, 'grant_type=client_credentials&scope=admin'))).access_token;
    const made = await json(
      fetch(`${a.url}/admin/clients`, {
        method: 'POST',
        headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name, scopes: ['write'] }),
      }),
    );
    return {
      id: made.client.id as string,
      auth: basic(made.client.id, made.client_secret),
      admin: admin as string,
    };
  };

  before(async () => {
    const env = {
      DATABASE_URL: `${POSTGRES_URL}?schema=${schema}`,
      REDIS_URL,
      REDIS_PREFIX: `test-${schema}:`,
      BOOTSTRAP_CLIENT_ID: CLIENT.id,
      BOOTSTRAP_CLIENT_SECRET: CLIENT.secret,
      BOOTSTRAP_CLIENT_SCOPES: 'write admin',
      RATE_LIMIT_TOKEN_PER_CLIENT: '8',
      RATE_LIMIT_WRITES_PER_CLIENT: '0',
    };
    // Both start at once on an empty schema: migrations and the first key must not race.
    [a, b] = await Promise.all([startServer(env), startServer(env)]);
  });
  after(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    const client = new pg.Client({ connectionString: POSTGRES_URL });
    await client.connect();
    await client.query(`drop schema if exists ${schema} cascade`);
    await client.end();
  });

  test('one signing key; a token from A works on B', async () => {
    const jwksA = await json(fetch(`${a.url}/.well-known/jwks.json`));
    const jwksB = await json(fetch(`${b.url}/.well-known/jwks.json`));
    assert.deepEqual(jwksA, jwksB);
    assert.equal((jwksA as { keys: unknown[] }).keys.length, 1);
    const access = (await json(token(a, 'grant_type=client_credentials&scope=write'))).access_token;
    assert.equal(await status(b, '/protected', access), 200);
  });

  test('a player written on A is read on B within a second (B had the list cached)', async () => {
    const before = await json(fetch(`${b.url}/players/`));
    const access = (await json(token(a, 'grant_type=client_credentials&scope=write'))).access_token;
    const created = await fetch(`${a.url}/players/`, {
      method: 'POST',
      headers: { authorization: `Bearer ${access}`, 'content-type': 'application/json' },
      body: JSON.stringify(newPlayer(98)),
    });
    assert.equal(created.status, 201);
    await eventually(
      async () => (await json(fetch(`${b.url}/players/`))).length === before.length + 1,
      1000,
    );
    assert.equal((await fetch(`${b.url}/players/squadnumber/98`)).status, 200);
    const removed = await fetch(`${b.url}/players/squadnumber/98`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${access}` },
    });
    assert.equal(removed.status, 204);
    await eventually(
      async () => (await fetch(`${a.url}/players/squadnumber/98`)).status === 404,
      1000,
    );
  });

  test('revoked on A, refused on B within a second', async () => {
    const access = (await json(token(a, 'grant_type=client_credentials&scope=write'))).access_token;
    assert.equal(await status(b, '/protected', access), 200, 'verified (and cached) on B first');
    const revoked = await fetch(`${a.url}/auth/revoke`, {
      method: 'POST',
      headers: { authorization: basic(CLIENT.id, CLIENT.secret), 'content-type': FORM },
      body: `token=${access}`,
    });
    assert.equal(revoked.status, 200);
    await refusedOnB(access);
  });

  test('a user disabled on A is refused on B', async () => {
    const registered = await fetch(`${a.url}/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'cluster-user', password: PASSWORD }),
    });
    assert.equal(registered.status, 201);
    const login = await json(
      fetch(`${b.url}/users/auth`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'cluster-user', password: PASSWORD }),
      }),
    );
    assert.equal(await status(b, '/users/me', login.access_token), 200);
    const admin = (await json(token(a, 'grant_type=client_credentials&scope=admin'))).access_token;
    const disabled = await fetch(`${a.url}/admin/users/cluster-user/disable`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}` },
    });
    assert.equal(disabled.status, 200);
    await eventually(async () => (await status(b, '/users/me', login.access_token)) === 403, 1000);
    const again = await fetch(`${b.url}/users/auth`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'cluster-user', password: PASSWORD }),
    });
    assert.equal(again.status, 403);
  });

  test('a client deleted on A: its tokens are refused on B within a second', async () => {
    const { id, auth, admin } = await newClient('short-lived');
    const access = (await json(token(b, 'grant_type=client_credentials', auth))).access_token;
    assert.equal(await status(b, '/protected', access), 200, 'B holds the client in memory');
    const deleted = await fetch(`${a.url}/admin/clients/${id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${admin}` },
    });
    assert.equal(deleted.status, 204);
    // B's copy would otherwise last 5 s: the change reaches it through Redis.
    await refusedOnB(access);
  });

  test('rate limits count across both instances', async () => {
    const { auth } = await newClient('limited');
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++)
      statuses.push(
        (await token(i % 2 === 0 ? a : b, 'grant_type=client_credentials', auth)).status,
      );
    assert.deepEqual(
      statuses,
      [200, 200, 200, 200, 200, 200, 200, 200, 429, 429],
      'eight per window in all, not eight per instance',
    );
  });

  test('A killed during a write burst: B keeps serving, no acknowledged write lost', async () => {
    const access = (await json(token(b, 'grant_type=client_credentials&scope=write'))).access_token;
    const headers = { authorization: `Bearer ${access}`, 'content-type': 'application/json' };
    const taken = new Set(
      ((await (await fetch(`${b.url}/players/`)).json()) as { squadNumber: number }[]).map(
        (p) => p.squadNumber,
      ),
    );
    const free = Array.from({ length: 99 }, (_, i) => i + 1).filter((n) => !taken.has(n));
    const acknowledged = new Map<number, unknown>();
    let next = 0;
    const burst = async (server: ServerProcess) => {
      while (next < free.length) {
        const n = free[next++] as number;
        try {
          const response = await fetch(`${server.url}/players/`, {
            method: 'POST',
            headers,
            body: JSON.stringify(newPlayer(n)),
          });
          if (response.status === 201) acknowledged.set(n, await response.json());
        } catch {
          return;
        }
      }
    };
    const onA = Array.from({ length: 4 }, () => burst(a));
    while (acknowledged.size < 15) await sleep(2);
    await a.stop('SIGKILL');
    await Promise.all(onA);
    await burst(b);
    const stored = new Map(
      ((await (await fetch(`${b.url}/players/`)).json()) as { squadNumber: number }[]).map((p) => [
        p.squadNumber,
        p,
      ]),
    );
    for (const [n, player] of acknowledged) assert.deepEqual(stored.get(n), player, `player ${n}`);
    assert.ok(acknowledged.size > 15);
    assert.equal((await fetch(`${b.url}/health`)).status, 200);
  });
});
