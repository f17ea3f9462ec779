import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildApp } from '../../src/app.js';
import { basic, newPlayer, startTestApp, tempDir, testConfig } from '../helpers.js';
import { runCli } from '../process.js';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const PASSWORD = 'another long passphrase';
const cli = (dir: string, args: string[], input?: string) => runCli(dir, args, input);

describe('disabled users', () => {
  test('CLI users create/disable/enable: login refused, refresh tokens revoked, live access tokens 403', async () => {
    const { dir, cleanup } = tempDir();
    const created = cli(
      dir,
      ['users', 'create', '--username', 'erin', '--full-name', 'Erin'],
      `${PASSWORD}\n`,
    );
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stdout, /created user erin/);
    assert.equal(
      cli(dir, ['users', 'create', '--username', 'erin', '--password', PASSWORD]).code,
      1,
    );

    const app = await buildApp({ config: testConfig({}, dir), logger: false });
    const login = await app.inject({
      method: 'POST',
      url: '/users/auth',
      payload: { username: 'erin', password: PASSWORD },
    });
    assert.equal(login.statusCode, 200);
    const { access_token, refresh_token } = login.json();
    const write = (token: string, n: number) =>
      app.inject({
        method: 'POST',
        url: '/players/',
        headers: { authorization: `Bearer ${token}` },
        payload: newPlayer(n),
      });
    assert.equal((await write(access_token, 71)).statusCode, 201);

    const disabled = cli(dir, ['users', 'disable', 'ERIN']);
    assert.equal(disabled.code, 0, disabled.stderr);
    const refused = await write(access_token, 72);
    assert.equal(refused.statusCode, 403);
    assert.equal(refused.json().detail, 'account disabled');
    assert.equal(
      (await app.inject({ url: '/users/me', headers: { authorization: `Bearer ${access_token}` } }))
        .statusCode,
      403,
    );
    const again = await app.inject({
      method: 'POST',
      url: '/users/auth',
      payload: { username: 'erin', password: PASSWORD },
    });
    assert.equal(again.statusCode, 403);
    const session = await app.inject({
      method: 'POST',
      url: '/auth/session',
      headers: FORM,
      payload: `username=erin&password=${encodeURIComponent(PASSWORD)}`,
    });
    assert.equal(session.statusCode, 403);
    const grant = await app.inject({
      method: 'POST',
      url: '/auth/token',
      headers: FORM,
      payload: `grant_type=password&username=erin&password=${encodeURIComponent(PASSWORD)}`,
    });
    assert.equal(grant.statusCode, 400);
    assert.equal(grant.json().error, 'invalid_grant');
    const refreshed = await app.inject({
      method: 'POST',
      url: '/auth/token',
      headers: FORM,
      payload: `grant_type=refresh_token&refresh_token=${refresh_token}`,
    });
    assert.equal(refreshed.json().error, 'invalid_grant');

    assert.equal(cli(dir, ['users', 'enable', 'erin']).code, 0);
    const back = await app.inject({
      method: 'POST',
      url: '/users/auth',
      payload: { username: 'erin', password: PASSWORD },
    });
    assert.equal(back.statusCode, 200);
    assert.equal((await write(back.json().access_token, 73)).statusCode, 201);
    const stillDead = await app.inject({
      method: 'POST',
      url: '/auth/token',
      headers: FORM,
      payload: `grant_type=refresh_token&refresh_token=${refresh_token}`,
    });
    assert.equal(
      stillDead.json().error,
      'invalid_grant',
      're-enabling does not revive revoked refresh tokens',
    );
    assert.equal(cli(dir, ['users', 'disable', 'nobody']).code, 1);
    await app.close();
    cleanup();
  });
});

describe('password hashing', () => {
  test('hashes are upgraded at login when the parameters change', async () => {
    const { dir, cleanup } = tempDir();
    const config = testConfig({}, dir);
    const weak = { memoryCost: 8192, timeCost: 1, parallelism: 1 };
    const old = await buildApp({ config, logger: false, hashParameters: weak });
    await old.services.users.registerUser({ username: 'frank', password: PASSWORD });
    const hashOf = async (app: typeof old) =>
      (
        await app.services.database.db
          .selectFrom('users')
          .select('password_hash')
          .where('username_key', '=', 'frank')
          .executeTakeFirstOrThrow()
      ).password_hash;
    assert.match(await hashOf(old), /m=8192,t=1,p=1/);
    await old.close();

    const current = await buildApp({ config, logger: false });
    const login = await current.inject({
      method: 'POST',
      url: '/users/auth',
      payload: { username: 'frank', password: PASSWORD },
    });
    assert.equal(login.statusCode, 200);
    assert.match(await hashOf(current), /m=19456,t=2,p=1/);
    const again = await current.inject({
      method: 'POST',
      url: '/users/auth',
      payload: { username: 'frank', password: PASSWORD },
    });
    assert.equal(again.statusCode, 200, 'the upgraded hash verifies');
    await current.close();
    cleanup();
  });

  test('hashing runs off the event loop: a protected GET answers while 20 logins are in flight', async () => {
    const t = await startTestApp();
    await t.app.services.users.registerUser({ username: 'gina', password: PASSWORD });
    const token = await t.token();
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const address = t.app.server.address();
    const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    let loginsDone = 0;
    const logins = Array.from({ length: 20 }, () =>
      fetch(`${base}/users/auth`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'gina', password: PASSWORD }),
      }).then((r) => {
        loginsDone++;
        return r.status;
      }),
    );
    const started = performance.now();
    const read = await fetch(`${base}/protected`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const readMs = performance.now() - started;
    assert.equal(read.status, 200);
    assert.ok(
      loginsDone < 20,
      `the read answered before the logins finished (${loginsDone} done, ${readMs.toFixed(0)} ms)`,
    );
    assert.deepEqual(new Set(await Promise.all(logins)), new Set([200]));
    await t.close();
  });

  test('a user token carries the user id as sub and the public client id', async () => {
    const t = await startTestApp();
    const user = await t.app.services.users.registerUser({ username: 'hana', password: PASSWORD });
    const login = await t.app.inject({
      method: 'POST',
      url: '/auth/token',
      headers: { authorization: basic(t.client.id, t.client.secret), ...FORM },
      payload: `grant_type=password&username=hana&password=${encodeURIComponent(PASSWORD)}`,
    });
    const claims = JSON.parse(
      Buffer.from(login.json().access_token.split('.')[1], 'base64url').toString(),
    );
    assert.equal(claims.sub, user.id);
    assert.equal(claims.client_id, t.client.id);
    const me = await t.app.inject({
      url: '/protected',
      headers: { authorization: `Bearer ${login.json().access_token}` },
    });
    assert.deepEqual(me.json(), { message: 'protected resource', sub: user.id });
    await t.close();
  });
});
