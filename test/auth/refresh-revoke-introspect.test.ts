import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { basic, protectedStatus, startTestApp, type TestApp, testClock } from '../helpers.js';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const PASSWORD = 'a long enough passphrase';
const enc = encodeURIComponent;

async function setup(env: Record<string, string> = {}, clock = testClock()) {
  const t = await startTestApp(env, { now: clock.now }, ['write', 'introspect']);
  await t.app.services.users.registerUser({ username: 'dana', password: PASSWORD });
  return t;
}

function post(t: TestApp, url: string, form: string, headers: Record<string, string> = {}) {
  return t.app.inject({ method: 'POST', url, headers: { ...FORM, ...headers }, payload: form });
}

async function login(t: TestApp) {
  const response = await post(
    t,
    '/auth/token',
    `grant_type=password&username=dana&password=${enc(PASSWORD)}`,
  );
  assert.equal(response.statusCode, 200, response.body);
  return response.json() as { access_token: string; refresh_token: string; scope: string };
}

const refresh = (t: TestApp, token: string, extra = '') =>
  post(t, '/auth/token', `grant_type=refresh_token&refresh_token=${enc(token)}${extra}`);

describe('refresh tokens', () => {
  let t: TestApp;
  before(async () => {
    t = await setup();
  });
  after(() => t.close());

  test('each use returns a new pair; the old refresh token is retired', async () => {
    const first = await login(t);
    const second = await refresh(t, first.refresh_token);
    assert.equal(second.statusCode, 200);
    assert.equal(second.headers['cache-control'], 'no-store');
    const pair = second.json();
    assert.notEqual(pair.refresh_token, first.refresh_token);
    assert.notEqual(pair.access_token, first.access_token);
    assert.equal(await protectedStatus(t.app, pair.access_token), 200);
    const third = await refresh(t, pair.refresh_token);
    assert.equal(third.statusCode, 200);
  });

  test('reusing a retired token revokes the whole family', async () => {
    const first = await login(t);
    const second = (await refresh(t, first.refresh_token)).json();
    const reuse = await refresh(t, first.refresh_token);
    assert.equal(reuse.statusCode, 400);
    assert.equal(reuse.json().error, 'invalid_grant');
    const dead = await refresh(t, second.refresh_token);
    assert.equal(dead.statusCode, 400, 'the successor died with its family');
  });

  test('two concurrent refreshes of one token give exactly one new pair', async () => {
    const first = await login(t);
    const results = await Promise.all([
      refresh(t, first.refresh_token),
      refresh(t, first.refresh_token),
      refresh(t, first.refresh_token),
    ]);
    assert.deepEqual(results.map((r) => r.statusCode).sort(), [200, 400, 400]);
  });

  test('a narrower scope is honoured; a wider one is invalid_scope and leaves the token usable', async () => {
    await t.app.services.database.db
      .updateTable('users')
      .set({ scopes: 'write admin' })
      .where('username_key', '=', 'dana')
      .execute();
    const first = await login(t);
    assert.equal(first.scope, 'write admin');
    const wider = await refresh(t, first.refresh_token, '&scope=write+introspect');
    assert.equal(wider.json().error, 'invalid_scope');
    const narrow = await refresh(t, first.refresh_token, '&scope=write');
    assert.equal(narrow.statusCode, 200);
    assert.equal(narrow.json().scope, 'write');
    const back = await refresh(t, narrow.json().refresh_token);
    assert.equal(back.json().scope, 'write admin', 'the family keeps its original scope');
    await t.app.services.database.db
      .updateTable('users')
      .set({ scopes: 'write' })
      .where('username_key', '=', 'dana')
      .execute();
  });

  test('made-up, revoked, other-client and missing refresh tokens: invalid_grant or invalid_request', async () => {
    assert.equal((await refresh(t, 'made-up-token')).json().error, 'invalid_grant');
    assert.equal((await refresh(t, 'x'.repeat(5000))).json().error, 'invalid_grant');
    assert.equal(
      (await post(t, '/auth/token', 'grant_type=refresh_token')).json().error,
      'invalid_request',
    );
    const first = await login(t);
    const otherClient = await post(
      t,
      '/auth/token',
      `grant_type=refresh_token&refresh_token=${enc(first.refresh_token)}`,
      {
        authorization: basic(t.client.id, t.client.secret),
      },
    );
    assert.equal(otherClient.json().error, 'invalid_grant');
    assert.equal(
      (await refresh(t, first.refresh_token)).statusCode,
      200,
      'the rightful client can still use it',
    );
  });
});

describe('refresh token expiry and reuse grace', () => {
  test('an expired refresh token is invalid_grant', async () => {
    const clock = testClock();
    const t = await setup({ REFRESH_TOKEN_TTL: '600' }, clock);
    const first = await login(t);
    clock.advance(601);
    assert.equal((await refresh(t, first.refresh_token)).json().error, 'invalid_grant');
    await t.close();
  });

  test('REFRESH_REUSE_GRACE lets a lost response be retried within the window only', async () => {
    const clock = testClock();
    const t = await setup({ REFRESH_REUSE_GRACE: '30' }, clock);
    const first = await login(t);
    const lost = await refresh(t, first.refresh_token);
    assert.equal(lost.statusCode, 200);
    const retry = await refresh(t, first.refresh_token);
    assert.equal(retry.statusCode, 200, 'retried within the grace window');
    assert.equal(
      (await refresh(t, lost.json().refresh_token)).statusCode,
      200,
      'the family is alive',
    );
    clock.advance(31);
    assert.equal(
      (await refresh(t, first.refresh_token)).statusCode,
      400,
      'after the window it is reuse',
    );
    assert.equal(
      (await refresh(t, retry.json().refresh_token)).statusCode,
      400,
      'and the family is dead',
    );
    await t.close();
  });
});

describe('revocation (RFC 7009) and introspection (RFC 7662)', () => {
  let t: TestApp;
  let other: { id: string; secret: string };
  before(async () => {
    t = await setup();
    const made = await t.app.services.clients.createClient({ name: 'other', scopes: ['write'] });
    other = { id: made.client.id, secret: made.secret };
  });
  after(() => t.close());

  const as = (who: { id: string; secret: string }) => ({
    authorization: basic(who.id, who.secret),
  });
  const introspect = (token: string, who = t.client, hint = '') =>
    post(t, '/auth/introspect', `token=${enc(token)}${hint}`, as(who)).then((r) => {
      assert.equal(r.statusCode, 200, r.body);
      assert.equal(r.headers['cache-control'], 'no-store');
      return r.json();
    });

  test('a revoked access token fails on the very next request', async () => {
    const token = await t.token();
    assert.equal(await protectedStatus(t.app, token), 200);
    const revoked = await post(
      t,
      '/auth/revoke',
      `token=${enc(token)}&token_type_hint=access_token`,
      as(t.client),
    );
    assert.equal(revoked.statusCode, 200);
    assert.equal(revoked.body, '');
    assert.equal(await protectedStatus(t.app, token), 401);
    assert.deepEqual(await introspect(token), { active: false });
    const row = await t.app.services.database.db.selectFrom('revoked_tokens').selectAll().execute();
    assert.equal(row.length, 1, 'kept in the database for other instances and restarts');
  });

  test('revoking a refresh token kills its family; the public client may revoke its own', async () => {
    const first = await login(t);
    const revoked = await post(t, '/auth/revoke', `token=${enc(first.refresh_token)}`);
    assert.equal(revoked.statusCode, 200);
    assert.equal((await refresh(t, first.refresh_token)).json().error, 'invalid_grant');
  });

  test("unknown tokens get 200; a bad client gets 401; another client's token is refused", async () => {
    assert.equal(
      (await post(t, '/auth/revoke', 'token=not-a-token', as(t.client))).statusCode,
      200,
    );
    assert.equal((await post(t, '/auth/revoke', 'token=a.b.c', as(t.client))).statusCode, 200);
    assert.equal(
      (await post(t, '/auth/revoke', 'token=x', as({ id: t.client.id, secret: 'wrong' })))
        .statusCode,
      401,
    );
    assert.equal((await post(t, '/auth/revoke', '', as(t.client))).json().error, 'invalid_request');
    const mine = await t.token();
    const refused = await post(t, '/auth/revoke', `token=${enc(mine)}`, as(other));
    assert.equal(refused.statusCode, 400);
    assert.equal(refused.json().error, 'unauthorized_client');
    assert.equal(await protectedStatus(t.app, mine), 200, 'still valid');
  });

  test('introspection: own tokens, any with the introspect scope, active:false otherwise', async () => {
    const mine = await t.token();
    const active = await introspect(mine);
    assert.equal(active.active, true);
    assert.equal(active.client_id, t.client.id);
    assert.equal(active.token_type, 'Bearer');
    assert.equal(active.scope, 'write introspect');
    assert.equal(typeof active.exp, 'number');

    const user = await login(t);
    assert.deepEqual(
      await introspect(user.access_token, other),
      { active: false },
      'not its token, no introspect scope',
    );
    const seen = await introspect(user.access_token, t.client);
    assert.equal(seen.active, true, 'the introspect scope sees every token');
    assert.equal(seen.username, 'dana');
    const refreshView = await introspect(
      user.refresh_token,
      t.client,
      '&token_type_hint=refresh_token',
    );
    assert.equal(refreshView.active, true);
    assert.equal(refreshView.token_type, 'refresh_token');
    assert.equal(refreshView.username, 'dana');
    assert.deepEqual(await introspect('garbage'), { active: false });

    const unauthenticated = await post(t, '/auth/introspect', `token=${enc(mine)}`);
    assert.equal(unauthenticated.statusCode, 401);
  });
});
