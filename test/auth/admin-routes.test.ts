import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { basic, protectedStatus, startTestApp } from '../helpers.js';

describe('admin API (scope admin)', () => {
  test('clients, users and keys through HTTP; other scopes get 403', async () => {
    const t = await startTestApp({}, {}, ['write', 'admin']);
    const admin = { authorization: `Bearer ${await t.token('admin')}` };
    const call = (
      method: 'GET' | 'POST' | 'DELETE',
      url: string,
      payload?: object,
      headers = admin,
    ) => t.app.inject({ method, url, headers, ...(payload && { payload }) });

    const writer = { authorization: `Bearer ${await t.token('write')}` };
    const forbidden = await call('GET', '/admin/clients', undefined, writer);
    assert.equal(forbidden.statusCode, 403);
    assert.match(
      forbidden.headers['www-authenticate'] as string,
      /insufficient_scope", scope="admin"/,
    );
    assert.equal(
      (await call('GET', '/admin/clients', undefined, {} as typeof admin)).statusCode,
      401,
    );

    const created = await call('POST', '/admin/clients', { name: 'reporting', scopes: ['write'] });
    assert.equal(created.statusCode, 201);
    assert.equal(created.headers['cache-control'], 'no-store');
    const { client, client_secret } = created.json();
    assert.equal(client.origin, 'admin');
    const issue = (secret: string) =>
      t.app.inject({
        method: 'POST',
        url: '/auth/token',
        headers: { authorization: basic(client.id, secret) },
        payload: { grant_type: 'client_credentials' },
      });
    assert.equal((await issue(client_secret)).statusCode, 200);
    assert.ok(
      (await call('GET', '/admin/clients')).json().some((c: { id: string }) => c.id === client.id),
    );

    const repeated = await call('POST', '/admin/clients', {
      name: 'twice',
      scopes: ['write', 'write'],
    });
    assert.equal(repeated.statusCode, 201);
    assert.deepEqual(repeated.json().client.scopes, ['write'], 'a repeated scope is kept once');

    const rotated = (await call('POST', `/admin/clients/${client.id}/rotate-secret`)).json()
      .client_secret;
    assert.equal((await issue(client_secret)).statusCode, 401);
    assert.equal((await issue(rotated)).statusCode, 200);
    const held = (await issue(rotated)).json().access_token;
    const suspended = await call('POST', `/admin/clients/${client.id}/disable`);
    assert.equal(suspended.statusCode, 200);
    assert.equal(suspended.json().disabled, true);
    assert.equal((await issue(rotated)).statusCode, 401);
    assert.equal(await protectedStatus(t.app, held), 401, 'the tokens it holds are refused');
    assert.equal((await call('POST', `/admin/clients/${client.id}/enable`)).json().disabled, false);
    assert.equal((await issue(rotated)).statusCode, 200);
    assert.equal(await protectedStatus(t.app, held), 200, 'and honoured again once enabled');
    assert.equal((await call('POST', '/admin/clients/nobody/disable')).statusCode, 404);
    assert.equal((await call('DELETE', `/admin/clients/${client.id}`)).statusCode, 204);
    assert.equal((await issue(rotated)).statusCode, 401);
    assert.equal((await call('DELETE', `/admin/clients/${client.id}`)).statusCode, 404);
    assert.equal(
      (await call('POST', '/admin/clients', { name: 'x', scopes: ['bad scope'] })).statusCode,
      422,
    );
    const clientsBefore = (await call('GET', '/admin/clients')).json().length;
    const typo = await call('POST', '/admin/clients', { name: 'x', scopes: ['write', 'wrte'] });
    assert.equal(typo.statusCode, 422);
    assert.deepEqual(typo.json().errors, [
      {
        field: 'scopes',
        message: 'Unknown scope "wrte": this service grants write, admin, introspect.',
      },
    ]);
    assert.equal((await call('GET', '/admin/clients')).json().length, clientsBefore);

    await t.app.services.users.registerUser({
      username: 'wanda',
      password: 'yet another passphrase',
      scopes: ['write', 'write'],
    });
    const wanda = await t.app.inject({
      method: 'POST',
      url: '/users/auth',
      payload: { username: 'wanda', password: 'yet another passphrase' },
    });
    assert.equal(wanda.json().scope, 'write', 'a repeated scope is stored once for a user too');

    await t.app.services.users.registerUser({
      username: 'ivan',
      password: 'yet another passphrase',
    });
    const disabled = await call('POST', '/admin/users/ivan/disable');
    const { username, disabled: isDisabled } = disabled.json() as {
      username: string;
      disabled: boolean;
    };
    assert.deepEqual({ username, isDisabled }, { username: 'ivan', isDisabled: true });
    const login = await t.app.inject({
      method: 'POST',
      url: '/users/auth',
      payload: { username: 'ivan', password: 'yet another passphrase' },
    });
    assert.equal(login.statusCode, 403);
    assert.equal((await call('POST', '/admin/users/ivan/enable')).json().disabled, false);
    assert.equal((await call('POST', '/admin/users/nobody/disable')).statusCode, 404);

    const before = (await call('GET', '/admin/keys')).json();
    const { kid } = (await call('POST', '/admin/keys/rotate')).json();
    assert.notEqual(kid, before[0].kid);
    const jwks = (await t.app.inject({ url: '/.well-known/jwks.json' })).json();
    assert.equal(jwks.keys.length, 2);
    const doc = (await t.app.inject({ url: '/openapi.json' })).json();
    assert.deepEqual(doc.paths['/admin/keys/rotate'].post.security, [{ oauth2: ['admin'] }]);
    const keysDoc = doc.paths['/admin/keys'].get.responses['200'].content['application/json'];
    assert.deepEqual(Object.keys(keysDoc.schema.items.properties).sort(), [
      'alg',
      'createdAt',
      'current',
      'expiresAt',
      'kid',
      'retiredAt',
    ]);
    await t.close();
  });

  test('JWT_ALG=HS256: listing shows the one key; rotating is a 409 that says how', async () => {
    const t = await startTestApp(
      { JWT_ALG: 'HS256', JWT_SECRET: 'an HS256 secret of at least 32 bytes, for tests' },
      {},
      ['write', 'admin'],
    );
    const admin = { authorization: `Bearer ${await t.token('admin')}` };
    const keys = await t.app.inject({ url: '/admin/keys', headers: admin });
    assert.equal(keys.statusCode, 200);
    const [key, ...others] = keys.json();
    assert.equal(others.length, 0);
    assert.equal(key.alg, 'HS256');
    assert.equal(key.current, true);
    assert.equal(key.createdAt, null);
    const rotate = await t.app.inject({
      method: 'POST',
      url: '/admin/keys/rotate',
      headers: admin,
    });
    assert.equal(rotate.statusCode, 409);
    assert.match(rotate.headers['content-type'] as string, /^application\/problem\+json/);
    assert.equal(
      rotate.json().detail,
      'JWT_ALG=HS256 signs with JWT_SECRET from the settings: rotate it by changing JWT_SECRET.',
    );
    await t.close();
  });
});
