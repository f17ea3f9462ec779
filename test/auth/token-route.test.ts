import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { tokenResponseJson } from '../../src/auth/token-route.js';
import { basic, startTestApp } from '../helpers.js';

const base64url = fc.stringMatching(/^[A-Za-z0-9_-]{1,600}$/);
const jws = fc.tuple(base64url, base64url, base64url).map((parts) => parts.join('.'));

test('tokenResponseJson: JSON that parses back to the body, whatever the scope holds', () => {
  fc.assert(
    fc.property(
      jws,
      fc.nat(),
      fc.string({ unit: 'binary' }),
      fc.option(base64url, { nil: undefined }),
      (access_token, expires_in, scope, refresh_token) => {
        const body = {
          access_token,
          token_type: 'bearer' as const,
          expires_in,
          scope,
          ...(refresh_token !== undefined && { refresh_token }),
        };
        assert.deepEqual(JSON.parse(tokenResponseJson(body)), body);
      },
    ),
    { numRuns: 300 },
  );
});

// tokenResponseJson writes tokens unescaped: every token the server issues must need none.
test('issued access and refresh tokens are base64url and dots only, in a JSON body', async () => {
  const t = await startTestApp();
  const password = 'a long enough passphrase';
  await t.app.services.users.registerUser({ username: 'quinn', password });
  const responses = [
    await t.app.inject({
      method: 'POST',
      url: '/auth/token',
      headers: { authorization: basic(t.client.id, t.client.secret) },
      payload: { grant_type: 'client_credentials' },
    }),
    await t.app.inject({
      method: 'POST',
      url: '/auth/token',
      payload: { grant_type: 'password', username: 'quinn', password },
    }),
  ];
  for (const response of responses) {
    assert.equal(response.statusCode, 200, response.body);
    assert.equal(response.headers['content-type'], 'application/json; charset=utf-8');
    const body = response.json();
    assert.match(body.access_token, /^[\w-]+\.[\w-]+\.[\w-]+$/);
    assert.equal(body.token_type, 'bearer');
    if (body.refresh_token !== undefined) assert.match(body.refresh_token, /^[\w-]+$/);
  }
  assert.ok(responses[1]?.json().refresh_token, 'the password grant gave a refresh token');
  await t.close();
});
