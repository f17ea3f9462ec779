import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import Fastify from 'fastify';
import type { AccessTokenClaims } from '../../src/auth/access-token.js';
import { bearerGuard } from '../../src/auth/bearer-guard.js';
import { InvalidTokenError } from '../../src/auth/verify-bearer.js';
import { errorHandler } from '../../src/http/error-handler.js';
import { Problem } from '../../src/http/schemas.js';
import { newPlayer, startTestApp } from '../helpers.js';

const REALM = 'Bearer realm="players-api"';

describe('bearer protection (RFC 6750)', () => {
  for (const status of [401, 403] as const) {
    test(`AUTH_FAILURE_STATUS=${status}: the three failure rows and their challenges`, async () => {
      const t = await startTestApp(status === 403 ? { AUTH_FAILURE_STATUS: '403' } : {});
      const post = (authorization?: string) =>
        t.app.inject({
          method: 'POST',
          url: '/players/',
          headers: authorization === undefined ? {} : { authorization },
          payload: newPlayer(95),
        });

      const none = await post();
      assert.equal(none.statusCode, status);
      assert.equal(none.headers['www-authenticate'], REALM);
      assert.equal(none.headers['content-type'], 'application/problem+json; charset=utf-8');

      for (const header of ['Basic abc', 'Bearer', 'Bearer    ', 'Token abc']) {
        const response = await post(header);
        assert.equal(response.statusCode, status, header);
        assert.equal(response.headers['www-authenticate'], `${REALM}, error="invalid_request"`);
      }

      const invalid = await post('Bearer not.a.jwt');
      assert.equal(invalid.statusCode, status);
      assert.match(
        invalid.headers['www-authenticate'] as string,
        /^Bearer realm="players-api", error="invalid_token", error_description="[^"]+"$/,
      );

      const readOnly = await startScopedToken(t, '');
      const forbidden = await post(`Bearer ${readOnly}`);
      assert.equal(forbidden.statusCode, 403);
      assert.equal(
        forbidden.headers['www-authenticate'],
        `${REALM}, error="insufficient_scope", scope="write"`,
      );

      const ok = await post(`bearer ${await t.token('write')}`);
      assert.equal(ok.statusCode, 201, 'the scheme name is case-insensitive');
      assert.equal((await t.app.inject({ url: '/players/squadnumber/95' })).statusCode, 200);
      await t.close();
    });
  }

  test('GET /protected: any valid token, answers with its subject', async () => {
    const t = await startTestApp();
    const token = await t.token();
    for (let i = 0; i < 2; i++) {
      const response = await t.app.inject({
        url: '/protected',
        headers: { authorization: `Bearer ${token}` },
      });
      assert.equal(response.statusCode, 200);
      assert.deepEqual(response.json(), { message: 'protected resource', sub: t.client.id });
    }
    assert.equal((await t.app.inject({ url: '/protected' })).statusCode, 401);
    await t.close();
  });

  test('OpenAPI marks guarded routes with the oauth2 scheme and their scope', async () => {
    const t = await startTestApp();
    const doc = (await t.app.inject({ url: '/openapi.json' })).json();
    assert.deepEqual(doc.paths['/players/'].post.security, [{ oauth2: ['write'] }]);
    assert.equal(doc.paths['/players/'].get.security, undefined);
    assert.deepEqual(doc.paths['/protected'].get.security, [{ oauth2: [] }]);
    assert.deepEqual(
      Object.keys(
        doc.paths['/protected'].get.responses['200'].content['application/json'].schema.properties,
      ),
      ['message', 'sub'],
    );
    assert.deepEqual(Object.keys(doc.components.securitySchemes.oauth2.flows).sort(), [
      'clientCredentials',
      'password',
    ]);
    await t.close();
  });

  test('a subject check is awaited whatever it returns: a refusal that comes later stands', async () => {
    // A thenable that is not a native promise, answering on a later turn.
    const later = (refusal?: Error) =>
      ({
        // biome-ignore lint/suspicious/noThenProperty: a thenable that is no native promise is the case tested
        then: (resolve: () => void, reject: (error: Error) => void) =>
          setTimeout(() => (refusal ? reject(refusal) : resolve()), 1),
      }) as unknown as Promise<void>;
    const refused = await guarded(() =>
      later(new InvalidTokenError('The token belongs to no user.')),
    );
    assert.equal(refused.statusCode, 401);
    assert.match(String(refused.headers['www-authenticate']), /error="invalid_token"/);
    assert.equal((await guarded(() => later())).statusCode, 200);
  });

  test('a subject check that refuses at once: 401 for a cached and a first-seen token alike', async () => {
    const refuse = () => {
      throw new InvalidTokenError("The token's client has been deleted or disabled.");
    };
    for (const firstSeen of [false, true]) {
      const refused = await guarded(refuse, firstSeen);
      assert.equal(refused.statusCode, 401, `first seen: ${firstSeen}`);
      assert.match(String(refused.headers['www-authenticate']), /error="invalid_token"/);
    }
  });
});

/**
 * GET /write behind the guard alone, with `check` as its subject check. The guard is what
 * is tested: the verifier only hands it a verified token's claims, at once as for a cached
 * token, or through a promise as for one seen the first time.
 */
async function guarded(check: () => Promise<void> | undefined, firstSeen = false) {
  const claims: AccessTokenClaims = {
    ...{ iss: 'https://issuer.test', aud: 'api', jti: 'jti-1', iat: 0, exp: 0 },
    ...{ sub: 'user-1', client_id: 'client-1', scope: 'write' },
  };
  const app = Fastify();
  app.addSchema(Problem);
  await app.register(errorHandler);
  await app.register(bearerGuard, {
    verifier: {
      verifyBearer: () => (firstSeen ? Promise.resolve(claims) : claims),
      forgetSubject: () => {},
    },
    realm: 'test',
    failureStatus: 401,
    checkSubject: check,
  });
  app.get('/write', { onRequest: app.requireScope('write') }, async () => ({ ok: true }));
  const response = await app.inject({ url: '/write', headers: { authorization: 'Bearer t' } });
  await app.close();
  return response;
}

/** A token from a second client that holds only `scopes` (space-separated, may be empty). */
async function startScopedToken(
  t: Awaited<ReturnType<typeof startTestApp>>,
  scopes: string,
): Promise<string> {
  const made = await t.app.services.clients.createClient({
    name: 'narrow',
    scopes: scopes.split(' ').filter(Boolean),
  });
  return t.token(undefined, { id: made.client.id, secret: made.secret });
}
