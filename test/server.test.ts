import assert from 'node:assert/strict';
import { connect, createServer } from 'node:net';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { basic, newPlayer, TEST_SECRET_KEY, tempDir, testDatabaseUrl } from './helpers.js';
import { runServerToExit, startServer } from './process.js';

const CLIENT = {
  BOOTSTRAP_CLIENT_ID: 'e2e-client',
  BOOTSTRAP_CLIENT_SECRET: 'e2e-secret-0123456789abcdef0123456789',
};

async function tokenFrom(url: string): Promise<string> {
  const response = await fetch(`${url}/auth/token`, {
    method: 'POST',
    headers: {
      authorization: basic(CLIENT.BOOTSTRAP_CLIENT_ID, CLIENT.BOOTSTRAP_CLIENT_SECRET),
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials',
  });
  assert.equal(response.status, 200);
  return ((await response.json()) as { access_token: string }).access_token;
}

describe('the server process', { timeout: 120_000 }, () => {
  test('an invalid setting stops the start with one line naming the variable', async () => {
    for (const [env, name] of [
      [{ PORT: 'abc' }, 'PORT'],
      [{ JWT_ALG: 'HS256', JWT_SECRET: 'short' }, 'JWT_SECRET'],
      [{ NODE_ENV: 'production' }, 'SECRET_KEY'],
    ] as const) {
      const { code, stderr } = await runServerToExit({ ...env, DATABASE_URL: 'sqlite::memory:' });
      assert.equal(code, 1);
      assert.equal(stderr.trim().split('\n').length, 1, stderr);
      assert.match(stderr, new RegExp(`^players-api: ${name} `));
    }
  });

  test('an address it cannot listen on stops the start with one line naming HOST and PORT', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as { port: number };
    try {
      for (const [env, pattern] of [
        [{ PORT: String(port) }, `127\\.0\\.0\\.1:${port} \\(.*EADDRINUSE`],
        [{ HOST: '999.1.1.1' }, '999\\.1\\.1\\.1:0 \\(.*ENOTFOUND'],
      ] as const) {
        const { code, stderr } = await runServerToExit({ ...env, DATABASE_URL: 'sqlite::memory:' });
        assert.equal(code, 1);
        assert.equal(stderr.trim().split('\n').length, 1, stderr);
        assert.match(
          stderr,
          new RegExp(`^players-api: HOST and PORT: cannot listen on ${pattern}`),
        );
      }
    } finally {
      taken.close();
    }
  });

  test('data written survives a restart on the same SQLite file; SIGTERM exits 0', async () => {
    const { dir, cleanup } = tempDir();
    const env = { ...CLIENT, DATABASE_URL: testDatabaseUrl(dir) };
    const first = await startServer(env);
    const created = await fetch(`${first.url}/players/`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${await tokenFrom(first.url)}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify(newPlayer(42)),
    });
    assert.equal(created.status, 201);
    assert.equal(await first.stop('SIGTERM'), 0);

    const second = await startServer(env);
    const read = await fetch(`${second.url}/players/squadnumber/42`);
    assert.equal(read.status, 200);
    assert.deepEqual(await read.json(), await created.json());
    assert.equal(((await (await fetch(`${second.url}/players/`)).json()) as unknown[]).length, 27);
    assert.equal(await second.stop('SIGINT'), 0);
    cleanup();
  });

  test('SIGTERM during a slow request lets it finish, then exits 0', async () => {
    const { dir, cleanup } = tempDir();
    const server = await startServer({ ...CLIENT, DATABASE_URL: testDatabaseUrl(dir) });
    const token = await tokenFrom(server.url);
    const body = JSON.stringify(newPlayer(43));
    const { port } = new URL(server.url);
    const socket = connect(Number(port), '127.0.0.1');
    let response = '';
    socket.on('data', (chunk) => {
      response += chunk;
    });
    const closed = new Promise((resolve) => socket.on('close', resolve));
    // A client that sends its body slowly: the request is in flight when SIGTERM arrives.
    socket.write(
      `POST /players/ HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body.slice(0, 10)}`,
    );
    await sleep(200);
    const exited = server.stop('SIGTERM');
    await sleep(300);
    assert.equal(server.child.exitCode, null, 'still running while the request is in flight');
    // The rest of the body, without half-closing: a client that ends its side first is
    // hung up on by Node's HTTP server before the answer, whatever the application does.
    socket.write(body.slice(10));
    while (!/\r\n\r\n\{/.test(response)) await sleep(20);
    socket.end();
    await closed;
    assert.match(response, /^HTTP\/1.1 201 Created/);
    assert.equal(await exited, 0);
    cleanup();
  });

  test('a 100 kB Authorization header gets a 401, not a crash', async () => {
    const server = await startServer({
      ...CLIENT,
      DATABASE_URL: 'sqlite::memory:',
      SECRET_KEY: TEST_SECRET_KEY,
    });
    const response = await fetch(`${server.url}/players/`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${'a'.repeat(100_000)}`,
        'content-type': 'application/json',
      },
      body: '{}',
    });
    assert.equal(response.status, 401);
    assert.match(response.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
    const token = await fetch(`${server.url}/auth/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${'a'.repeat(100_000)}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials',
    });
    assert.ok([400, 401].includes(token.status));
    assert.equal(await server.stop(), 0);
  });
});
