import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { basic, newPlayer, startTestApp, type TestApp } from '../helpers.js';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const PASSWORD = 'correct horse battery staple';

describe('users', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({}, {}, ['write', 'admin']);
  });
  after(() => t.close());

  const register = (payload: object) => t.app.inject({ method: 'POST', url: '/users', payload });
  const grant = (form: string, headers: Record<string, string> = {}) =>
    t.app.inject({
      method: 'POST',
      url: '/auth/token',
      headers: { ...FORM, ...headers },
      payload: form,
    });
  const enc = encodeURIComponent;

  test('POST /users registers: 201, no secrets in the answer', async () => {
    const response = await register({
      username: 'Alice',
      password: PASSWORD,
      fullName: 'Alice Liddell',
    });
    assert.equal(response.statusCode, 201);
    const user = response.json();
    assert.deepEqual(Object.keys(user).sort(), [
      'createdAt',
      'disabled',
      'fullName',
      'id',
      'scopes',
      'username',
    ]);
    assert.equal(user.username, 'Alice');
    assert.equal(user.disabled, false);
    assert.doesNotMatch(response.body, /argon2|correct horse/);
    const row = await t.app.services.database.db
      .selectFrom('users')
      .selectAll()
      .where('id', '=', user.id)
      .executeTakeFirstOrThrow();
    assert.match(row.password_hash, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });

  test('usernames are unique after NFKC lower-casing: 409', async () => {
    for (const username of ['alice', 'ALICE', 'Ａｌｉｃｅ']) {
      const response = await register({ username, password: PASSWORD });
      assert.equal(response.statusCode, 409, username);
      assert.equal(response.headers['content-type'], 'application/problem+json; charset=utf-8');
    }
  });

  test('weak passwords and bad usernames: 422 naming the field', async () => {
    const cases: [object, string, RegExp][] = [
      [{ username: 'bob', password: 'short' }, 'password', /at least 8/],
      [{ username: 'bob', password: 'x'.repeat(129) }, 'password', /at most 128/],
      [{ username: 'bob', password: 'password123' }, 'password', /too common/],
      [{ username: 'bob', password: 'Iloveyou1' }, 'password', /too common/],
      [{ username: 'bobby-tables', password: 'Bobby-Tables' }, 'password', /username/],
      [{ username: 'bo\u0000b', password: PASSWORD }, 'username', /letters/],
      [{ username: 'bob smith', password: PASSWORD }, 'username', /letters/],
      [{ username: 'b'.repeat(65), password: PASSWORD }, 'username', /at most 64/],
      [{ username: 'bob', password: PASSWORD, admin: true }, 'admin', /not an allowed field/],
      [{ username: 'bob' }, 'password', /required/],
    ];
    for (const [body, field, message] of cases) {
      const response = await register(body);
      assert.equal(response.statusCode, 422, JSON.stringify(body));
      const error = response.json().errors.find((e: { field: string }) => e.field === field);
      assert.ok(error, `${field} in ${response.body}`);
      assert.match(error.message, message);
    }
  });

  test('three login routes: password grant, POST /users/auth (JSON), POST /auth/session (form)', async () => {
    const viaGrant = await grant(`grant_type=password&username=alice&password=${enc(PASSWORD)}`);
    assert.equal(viaGrant.statusCode, 200, viaGrant.body);
    assert.equal(viaGrant.headers['cache-control'], 'no-store');
    const body = viaGrant.json();
    assert.equal(body.token_type, 'bearer');
    assert.equal(body.scope, 'write');
    assert.ok(body.refresh_token.length >= 43);

    const viaJson = await t.app.inject({
      method: 'POST',
      url: '/users/auth',
      payload: { username: 'Alice', password: PASSWORD },
    });
    assert.equal(viaJson.statusCode, 200);
    assert.deepEqual(Object.keys(viaJson.json()).sort(), [
      'access_token',
      'expires_in',
      'refresh_token',
      'scope',
      'token_type',
    ]);

    const viaForm = await t.app.inject({
      method: 'POST',
      url: '/auth/session',
      headers: FORM,
      payload: `username=alice&password=${enc(PASSWORD)}`,
    });
    assert.equal(viaForm.statusCode, 200);

    for (const response of [viaGrant, viaJson, viaForm]) {
      const me = await t.app.inject({
        url: '/users/me',
        headers: { authorization: `Bearer ${response.json().access_token}` },
      });
      assert.equal(me.statusCode, 200);
      assert.equal(me.json().username, 'Alice');
      const write = await t.app.inject({
        method: 'POST',
        url: '/players/',
        headers: { authorization: `Bearer ${response.json().access_token}` },
        payload: newPlayer(60 + [viaGrant, viaJson, viaForm].indexOf(response)),
      });
      assert.equal(write.statusCode, 201);
    }
  });

  test('a confidential client may use the password grant; scopes are what both allow', async () => {
    const response = await grant(`grant_type=password&username=alice&password=${enc(PASSWORD)}`, {
      authorization: basic(t.client.id, t.client.secret),
    });
    assert.equal(response.statusCode, 200);
    const claims = JSON.parse(
      Buffer.from(response.json().access_token.split('.')[1], 'base64url').toString(),
    );
    assert.equal(claims.client_id, t.client.id);
    assert.equal(claims.scope, 'write');
    const wrongSecret = await grant(
      `grant_type=password&username=alice&password=${enc(PASSWORD)}`,
      {
        authorization: basic(t.client.id, 'wrong'),
      },
    );
    assert.equal(wrongSecret.statusCode, 401);
    const notPublic = await grant(
      `grant_type=password&username=alice&password=${enc(PASSWORD)}&client_id=${t.client.id}`,
    );
    assert.equal(notPublic.statusCode, 401, 'a confidential client must authenticate');
  });

  test('wrong username and wrong password look the same on every route', async () => {
    const wrongUser = await grant(`grant_type=password&username=nobody&password=${enc(PASSWORD)}`);
    const wrongPass = await grant(
      'grant_type=password&username=alice&password=wrong-password-here',
    );
    assert.equal(wrongUser.statusCode, 400);
    assert.equal(wrongUser.json().error, 'invalid_grant');
    assert.equal(wrongUser.body, wrongPass.body);
    const jsonUser = await t.app.inject({
      method: 'POST',
      url: '/users/auth',
      payload: { username: 'nobody', password: PASSWORD },
    });
    const jsonPass = await t.app.inject({
      method: 'POST',
      url: '/users/auth',
      payload: { username: 'alice', password: 'wrong-password-here' },
    });
    for (const response of [jsonUser, jsonPass]) {
      assert.equal(response.statusCode, 401);
      assert.equal(response.headers['www-authenticate'], 'Bearer realm="players-api"');
    }
    assert.equal(jsonUser.body, jsonPass.body);
    const formUser = await t.app.inject({
      method: 'POST',
      url: '/auth/session',
      headers: FORM,
      payload: `username=nobody&password=${enc(PASSWORD)}`,
    });
    assert.equal(formUser.statusCode, 401);
    assert.equal(formUser.body, jsonUser.body);
  });

  test('login bad input: missing fields, extra JSON fields, repeated form password: 4xx, never 5xx', async () => {
    assert.equal(
      (await grant('grant_type=password&username=alice')).json().error,
      'invalid_request',
    );
    const extra = await t.app.inject({
      method: 'POST',
      url: '/users/auth',
      payload: { username: 'alice', password: PASSWORD, admin: true },
    });
    assert.equal(extra.statusCode, 422);
    const repeated = await t.app.inject({
      method: 'POST',
      url: '/auth/session',
      headers: FORM,
      payload: `username=alice&password=a&password=${enc(PASSWORD)}`,
    });
    assert.equal(repeated.statusCode, 400);
    assert.doesNotMatch(repeated.body, /correct horse/);
    const repeatedGrant = await grant(
      `grant_type=password&username=alice&password=x&password=${enc(PASSWORD)}`,
    );
    assert.equal(repeatedGrant.json().error, 'invalid_request');
  });

  test('GET /users/me with a client token: 403', async () => {
    const response = await t.app.inject({
      url: '/users/me',
      headers: { authorization: `Bearer ${await t.token()}` },
    });
    assert.equal(response.statusCode, 403);
  });
});

describe('registration switch', () => {
  test('ALLOW_REGISTRATION=false closes POST /users with 403', async () => {
    const t = await startTestApp({ ALLOW_REGISTRATION: 'false' });
    const response = await t.app.inject({
      method: 'POST',
      url: '/users',
      payload: { username: 'carol', password: PASSWORD },
    });
    assert.equal(response.statusCode, 403);
    await t.close();
  });
});
