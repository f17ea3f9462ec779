import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { basic, newPlayer, startTestApp, testClock } from '../helpers.js';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const PASSWORD = 'the right passphrase';

describe('rate limits', () => {
  test('token endpoint per IP: 429 slow_down with Retry-After and RateLimit-* headers', async () => {
    const t = await startTestApp({ RATE_LIMIT_AUTH_PER_IP: '3', RATE_LIMIT_WINDOW: '60' });
    const ask = (ip: string) =>
      t.app.inject({
        method: 'POST',
        url: '/auth/token',
        remoteAddress: ip,
        headers: { authorization: basic(t.client.id, t.client.secret) },
        payload: { grant_type: 'client_credentials' },
      });
    for (let i = 0; i < 3; i++) {
      const ok = await ask('10.0.0.1');
      assert.equal(ok.statusCode, 200);
      assert.equal(ok.headers['ratelimit-limit'], '3');
      assert.equal(ok.headers['ratelimit-remaining'], String(2 - i));
    }
    const limited = await ask('10.0.0.1');
    assert.equal(limited.statusCode, 429);
    assert.deepEqual(limited.json(), {
      error: 'slow_down',
      error_description: 'Rate limit reached: 3 requests per 60 s.',
    });
    assert.equal(limited.headers['cache-control'], 'no-store');
    assert.ok(Number(limited.headers['retry-after']) > 0);
    assert.equal(limited.headers['ratelimit-remaining'], '0');
    assert.equal((await ask('10.0.0.2')).statusCode, 200, 'another IP has its own budget');
    const login = await t.app.inject({
      method: 'POST',
      url: '/users/auth',
      remoteAddress: '10.0.0.1',
      payload: { username: 'x', password: 'y' },
    });
    assert.equal(login.statusCode, 429, 'the login routes share the per-IP budget');
    assert.equal(login.headers['content-type'], 'application/problem+json; charset=utf-8');
    await t.close();
  });

  test('token endpoint per client, whatever the IP', async () => {
    const t = await startTestApp({ RATE_LIMIT_TOKEN_PER_CLIENT: '2' });
    const ask = (ip: string) =>
      t.app.inject({
        method: 'POST',
        url: '/auth/token',
        remoteAddress: ip,
        headers: FORM,
        payload: `grant_type=client_credentials&client_id=${t.client.id}&client_secret=${t.client.secret}`,
      });
    assert.equal((await ask('10.0.1.1')).statusCode, 200);
    assert.equal((await ask('10.0.1.2')).statusCode, 200);
    assert.equal((await ask('10.0.1.3')).statusCode, 429);
    await t.close();
  });

  test('writes per client: 429 problem JSON, reads unaffected, nothing written', async () => {
    const t = await startTestApp({ RATE_LIMIT_WRITES_PER_CLIENT: '2' });
    const headers = { authorization: `Bearer ${await t.token()}` };
    const write = (n: number) =>
      t.app.inject({ method: 'POST', url: '/players/', headers, payload: newPlayer(n) });
    assert.equal((await write(81)).statusCode, 201);
    assert.equal((await write(82)).statusCode, 201);
    const limited = await write(83);
    assert.equal(limited.statusCode, 429);
    assert.equal(limited.json().status, 429);
    assert.match(limited.json().detail, /^Rate limit reached: 2 requests per \d+ s\.$/);
    assert.ok(Number(limited.headers['retry-after']) > 0);
    assert.equal((await t.app.inject({ url: '/players/squadnumber/83' })).statusCode, 404);
    assert.equal((await t.app.inject({ url: '/players/' })).statusCode, 200);
    await t.close();
  });
});

describe('lockout', () => {
  test('growing lockout per username and IP, counted on all three login routes', async () => {
    const clock = testClock();
    const t = await startTestApp(
      { LOCKOUT_THRESHOLD: '3', LOCKOUT_SECONDS: '60', LOCKOUT_MAX_SECONDS: '600' },
      { now: clock.now },
    );
    await t.app.services.users.registerUser({ username: 'joe', password: PASSWORD });
    const viaGrant = (password: string, ip = '10.1.0.1') =>
      t.app.inject({
        method: 'POST',
        url: '/auth/token',
        remoteAddress: ip,
        headers: FORM,
        payload: `grant_type=password&username=joe&password=${encodeURIComponent(password)}`,
      });
    const viaJson = (password: string, ip = '10.1.0.1') =>
      t.app.inject({
        method: 'POST',
        url: '/users/auth',
        remoteAddress: ip,
        payload: { username: 'JOE', password },
      });
    const viaForm = (password: string, ip = '10.1.0.1') =>
      t.app.inject({
        method: 'POST',
        url: '/auth/session',
        remoteAddress: ip,
        headers: FORM,
        payload: `username=joe&password=${encodeURIComponent(password)}`,
      });

    // One failure on each route: together they reach the threshold.
    assert.equal((await viaGrant('wrong-1')).statusCode, 400);
    assert.equal((await viaJson('wrong-2')).statusCode, 401);
    assert.equal((await viaForm('wrong-3')).statusCode, 401);
    const locked = await viaGrant(PASSWORD);
    assert.equal(locked.statusCode, 429, 'even the right password waits out the lockout');
    assert.equal(locked.json().error, 'slow_down');
    assert.equal(locked.headers['retry-after'], '60');
    const lockedJson = await viaJson(PASSWORD);
    assert.equal(lockedJson.statusCode, 429);
    assert.equal(lockedJson.headers['retry-after'], '60');
    assert.equal((await viaForm(PASSWORD)).statusCode, 429);

    assert.equal(
      (await viaJson(PASSWORD, '10.1.0.2')).statusCode,
      200,
      'the real user on another IP is not locked out',
    );

    clock.advance(61);
    for (const attempt of ['wrong-4', 'wrong-5', 'wrong-6']) await viaJson(attempt);
    assert.equal(
      (await viaJson(PASSWORD)).headers['retry-after'],
      '120',
      'the second lockout is twice as long',
    );
    clock.advance(121);
    assert.equal(
      (await viaJson(PASSWORD)).statusCode,
      200,
      'it ends, and success resets the count',
    );
    assert.equal((await viaJson('wrong-7')).statusCode, 401);
    await t.close();
  });

  test('client secrets are locked out on every endpoint that checks them', async () => {
    const t = await startTestApp({ LOCKOUT_THRESHOLD: '3' });
    const wrong = { authorization: basic(t.client.id, 'wrong-secret') };
    const right = { authorization: basic(t.client.id, t.client.secret) };
    await t.app.inject({
      method: 'POST',
      url: '/auth/token',
      headers: { ...wrong, ...FORM },
      payload: 'grant_type=client_credentials',
    });
    await t.app.inject({
      method: 'POST',
      url: '/auth/revoke',
      headers: { ...wrong, ...FORM },
      payload: 'token=x',
    });
    await t.app.inject({
      method: 'POST',
      url: '/auth/introspect',
      headers: { ...wrong, ...FORM },
      payload: 'token=x',
    });
    for (const url of ['/auth/token', '/auth/introspect']) {
      const response = await t.app.inject({
        method: 'POST',
        url,
        headers: { ...right, ...FORM },
        payload: 'grant_type=client_credentials&token=x',
      });
      assert.equal(response.statusCode, 429, url);
      assert.ok(Number(response.headers['retry-after']) > 0);
    }
    const elsewhere = await t.app.inject({
      method: 'POST',
      url: '/auth/token',
      remoteAddress: '10.2.0.9',
      headers: { ...right, ...FORM },
      payload: 'grant_type=client_credentials',
    });
    assert.equal(elsewhere.statusCode, 200);
    await t.close();
  });
});
