import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { basic, startTestApp, type TestApp } from '../helpers.js';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

describe('POST /auth/token (client_credentials)', () => {
  let t: TestApp;
  let logs = '';
  before(async () => {
    const { Writable } = await import('node:stream');
    const logStream = new Writable({
      write(chunk, _encoding, done) {
        logs += chunk;
        done();
      },
    });
    t = await startTestApp({ LOG_LEVEL: 'debug' }, { logger: true, logStream }, ['write', 'admin']);
  });
  after(() => t.close());

  const token = (payload: string | object, headers: Record<string, string> = {}) =>
    t.app.inject({
      method: 'POST',
      url: '/auth/token',
      headers: typeof payload === 'string' ? { ...FORM, ...headers } : headers,
      payload,
    });

  function assertOAuthError(
    response: Awaited<ReturnType<typeof token>>,
    status: number,
    error: string,
  ) {
    assert.equal(response.statusCode, status, response.body);
    assert.equal(response.json().error, error);
    assert.equal(typeof response.json().error_description, 'string');
    assert.equal(response.headers['cache-control'], 'no-store');
    assert.equal(response.headers.pragma, 'no-cache');
  }

  test('form body + HTTP Basic: an RFC 9068 token, verified against the served JWKS', async () => {
    const response = await token('grant_type=client_credentials', {
      authorization: basic(t.client.id, t.client.secret),
    });
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers['cache-control'], 'no-store');
    assert.equal(response.headers.pragma, 'no-cache');
    const body = response.json();
    assert.deepEqual(Object.keys(body).sort(), [
      'access_token',
      'expires_in',
      'scope',
      'token_type',
    ]);
    assert.equal(body.token_type, 'bearer');
    assert.equal(body.expires_in, 3600);
    assert.equal(body.scope, 'write admin');

    const jwks = (await t.app.inject({ url: '/.well-known/jwks.json' })).json();
    const header = decodeProtectedHeader(body.access_token);
    assert.equal(header.typ, 'at+jwt');
    assert.equal(header.alg, 'EdDSA');
    assert.ok(jwks.keys.some((k: { kid: string }) => k.kid === header.kid));
    const { payload } = await jwtVerify(body.access_token, createLocalJWKSet(jwks), {
      issuer: 'http://localhost:9000',
      audience: 'players-api',
      typ: 'at+jwt',
    });
    assert.equal(payload.sub, t.client.id);
    assert.equal(payload.client_id, t.client.id);
    assert.equal(payload.scope, 'write admin');
    assert.match(payload.jti as string, /^[0-9a-f-]{36}$/);
    assert.equal((payload.exp as number) - (payload.iat as number), 3600);
  });

  test('JSON body + client_secret_post works too', async () => {
    const response = await token({
      grant_type: 'client_credentials',
      client_id: t.client.id,
      client_secret: t.client.secret,
    });
    assert.equal(response.statusCode, 200);
    assert.equal(response.json().token_type, 'bearer');
  });

  test('scope is down-scoped to what is asked, and refused beyond what the client has', async () => {
    const auth = { authorization: basic(t.client.id, t.client.secret) };
    const narrow = await token('grant_type=client_credentials&scope=write', auth);
    assert.equal(narrow.json().scope, 'write');
    assertOAuthError(
      await token('grant_type=client_credentials&scope=write+introspect', auth),
      400,
      'invalid_scope',
    );
    assertOAuthError(
      await token('grant_type=client_credentials&scope=%22bad%22', auth),
      400,
      'invalid_scope',
    );
  });

  test('bad client: 401 invalid_client; a Basic challenge only when Basic was used', async () => {
    const wrongBasic = await token('grant_type=client_credentials', {
      authorization: basic(t.client.id, 'wrong'),
    });
    assertOAuthError(wrongBasic, 401, 'invalid_client');
    assert.equal(wrongBasic.headers['www-authenticate'], 'Basic realm="players-api"');

    const wrongPost = await token(
      `grant_type=client_credentials&client_id=${t.client.id}&client_secret=wrong`,
    );
    assertOAuthError(wrongPost, 401, 'invalid_client');
    assert.equal(wrongPost.headers['www-authenticate'], undefined);

    const unknown = await token('grant_type=client_credentials', {
      authorization: basic('nobody', 'wrong'),
    });
    assertOAuthError(unknown, 401, 'invalid_client');
    assert.equal(unknown.body, wrongBasic.body, 'unknown client and wrong secret look the same');

    assertOAuthError(await token('grant_type=client_credentials'), 401, 'invalid_client');
    assertOAuthError(
      await token(`grant_type=client_credentials&client_id=${t.client.id}`),
      401,
      'invalid_client',
    );
  });

  test('missing, repeated and conflicting parameters: 400 invalid_request', async () => {
    const auth = { authorization: basic(t.client.id, t.client.secret) };
    assertOAuthError(await token('scope=write', auth), 400, 'invalid_request');
    assertOAuthError(await token({}, auth), 400, 'invalid_request');
    assertOAuthError(await token({ grant_type: 42 }, auth), 400, 'invalid_request');
    const repeated = await token(
      'grant_type=client_credentials&grant_type=client_credentials',
      auth,
    );
    assertOAuthError(repeated, 400, 'invalid_request');
    assert.match(repeated.json().error_description, /grant_type is repeated/);
    const both = await token(
      `grant_type=client_credentials&client_secret=${t.client.secret}`,
      auth,
    );
    assertOAuthError(both, 400, 'invalid_request');
    assert.match(both.json().error_description, /not both/);
    assertOAuthError(
      await token('grant_type=client_credentials&client_id=someone-else', auth),
      400,
      'invalid_request',
    );
  });

  test('unknown grant: 400 unsupported_grant_type', async () => {
    const response = await token('grant_type=authorization_code&code=x', {
      authorization: basic(t.client.id, t.client.secret),
    });
    assertOAuthError(response, 400, 'unsupported_grant_type');
    assertOAuthError(await token('grant_type=__proto__'), 400, 'unsupported_grant_type');
  });

  test('malformed Basic, non-UTF-8 bytes, bad JSON, wrong content type: RFC errors, never 5xx', async () => {
    for (const authorization of [
      'Basic',
      'Basic !!!',
      `Basic ${Buffer.from('no-colon').toString('base64')}`,
      'Basic %%%',
      'Bearer abc',
      `Basic ${Buffer.from('a:%E0%A4%A').toString('base64')}`,
    ]) {
      assertOAuthError(
        await token('grant_type=client_credentials', { authorization }),
        400,
        'invalid_request',
      );
    }
    assertOAuthError(
      await token('grant_type=client_credentials&client_id=%FF%FE'),
      400,
      'invalid_request',
    );
    const badJson = await t.app.inject({
      method: 'POST',
      url: '/auth/token',
      headers: { 'content-type': 'application/json' },
      payload: `{"grant_type":"client_credentials","client_secret":"${t.client.secret}"`,
    });
    assertOAuthError(badJson, 400, 'invalid_request');
    assert.doesNotMatch(badJson.body, new RegExp(t.client.secret));
    const text = await t.app.inject({
      method: 'POST',
      url: '/auth/token',
      headers: { 'content-type': 'text/plain' },
      payload: 'x',
    });
    assertOAuthError(text, 415, 'invalid_request');
  });

  test('no secret or token reaches a log line', () => {
    assert.ok(logs.length > 0, 'logs were captured');
    assert.doesNotMatch(logs, new RegExp(t.client.secret));
    assert.doesNotMatch(logs, /eyJ[\w-]+\.eyJ/);
  });
});

describe('token endpoint settings', () => {
  test('ACCESS_TOKEN_TTL sets expires_in and exp', async () => {
    const t = await startTestApp({ ACCESS_TOKEN_TTL: '120' });
    const response = await t.app.inject({
      method: 'POST',
      url: '/auth/token',
      headers: { authorization: basic(t.client.id, t.client.secret) },
      payload: { grant_type: 'client_credentials' },
    });
    assert.equal(response.json().expires_in, 120);
    await t.close();
  });

  test('a disabled or deleted client gets invalid_client at once', async () => {
    const t = await startTestApp();
    await t.token();
    await t.app.services.clients.deleteClient(t.client.id);
    await assert.rejects(t.token(), /401/);
    await t.close();
  });
});
