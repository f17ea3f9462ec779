import assert from 'node:assert/strict';
import type { KeyObject } from 'node:crypto';
import { describe, test } from 'node:test';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, SignJWT } from 'jose';
import { migrate } from '../../src/db/migrate.js';
import { createServices } from '../../src/services.js';
import { startTestApp, TEST_SECRET_KEY, tempDir, testClock, testConfig } from '../helpers.js';

/** A token signed by `key` under `kid`, as another instance (or an older key) would make it. */
function signedBy(
  key: KeyObject,
  kid: string,
  clientId: string,
  jti: string,
  issuedAt: number,
  expiresAt: number,
) {
  return new SignJWT({ client_id: clientId, scope: 'write', jti })
    .setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', kid })
    .setIssuer('http://localhost:9000')
    .setAudience('players-api')
    .setSubject(clientId)
    .setIssuedAt(issuedAt)
    .setExpirationTime(expiresAt)
    .sign(key);
}

async function protectedStatus(t: Awaited<ReturnType<typeof startTestApp>>, token: string) {
  return (await t.app.inject({ url: '/protected', headers: { authorization: `Bearer ${token}` } }))
    .statusCode;
}

describe('signing keys', () => {
  test('rotation: new tokens carry the new kid, old ones verify during the grace period, then the old kid fails', async () => {
    const clock = testClock();
    const t = await startTestApp({ ACCESS_TOKEN_TTL: '600' }, { now: clock.now });
    const oldToken = await t.token();
    const oldKid = decodeProtectedHeader(oldToken).kid;
    // A token under the old key that outlives the grace period, to show the kid itself goes.
    const services = createServices(t.config);
    const oldRing = await services.keys.loadKeyRing();
    await services.database.close();
    const now = Math.floor(clock.now() / 1000);
    const longLived = await signedBy(
      oldRing.current.key,
      oldKid as string,
      t.client.id,
      'long-lived',
      now,
      now + 86_400,
    );

    const newKid = await t.app.signingKeys.rotate();
    assert.notEqual(newKid, oldKid);
    const newToken = await t.token();
    assert.equal(decodeProtectedHeader(newToken).kid, newKid);
    const jwks = (await t.app.inject({ url: '/.well-known/jwks.json' })).json();
    assert.deepEqual(jwks.keys.map((k: { kid: string }) => k.kid).sort(), [oldKid, newKid].sort());
    for (const token of [oldToken, newToken, longLived])
      assert.equal(await protectedStatus(t, token), 200);

    clock.advance(600 + 5 + 1);
    await t.app.signingKeys.reload();
    const after = (await t.app.inject({ url: '/.well-known/jwks.json' })).json();
    assert.deepEqual(
      after.keys.map((k: { kid: string }) => k.kid),
      [newKid],
    );
    assert.equal(await protectedStatus(t, longLived), 401);
    assert.equal(await protectedStatus(t, await t.token()), 200);
    await t.close();
  });

  test('a key rotated by another process is picked up when a token names it', async () => {
    const clock = testClock();
    const t = await startTestApp({}, { now: clock.now });
    const other = createServices(t.config, { now: clock.now });
    const kid = await other.keys.rotateSigningKey();
    const ring = await other.keys.loadKeyRing();
    await other.database.close();
    const now = Math.floor(clock.now() / 1000);
    const token = await signedBy(
      ring.current.key,
      kid,
      t.client.id,
      'from-elsewhere',
      now,
      now + 600,
    );
    clock.advance(10);
    assert.equal(await protectedStatus(t, token), 200);
    await t.close();
  });

  for (const alg of ['ES256', 'RS256'] as const) {
    test(`JWT_ALG=${alg}: tokens verify from the JWKS`, async () => {
      const t = await startTestApp({ JWT_ALG: alg });
      const token = await t.token();
      assert.equal(decodeProtectedHeader(token).alg, alg);
      const jwks = (await t.app.inject({ url: '/.well-known/jwks.json' })).json();
      const { payload } = await jwtVerify(token, createLocalJWKSet(jwks), { algorithms: [alg] });
      assert.equal(payload.client_id, t.client.id);
      assert.equal(await protectedStatus(t, token), 200);
      for (const key of jwks.keys) assert.equal(key.d, undefined, 'no private part is published');
      await t.close();
    });
  }

  test('JWT_ALG=HS256: signed with JWT_SECRET, nothing published, EdDSA tokens refused', async () => {
    const secret = 'hs256-test-secret-0123456789abcdef0123';
    const t = await startTestApp({ JWT_ALG: 'HS256', JWT_SECRET: secret });
    const token = await t.token();
    const { payload, protectedHeader } = await jwtVerify(token, new TextEncoder().encode(secret), {
      algorithms: ['HS256'],
    });
    assert.equal(protectedHeader.typ, 'at+jwt');
    assert.equal(payload.scope, 'write');
    assert.equal(await protectedStatus(t, token), 200);
    assert.deepEqual((await t.app.inject({ url: '/.well-known/jwks.json' })).json(), { keys: [] });
    const metadata = (
      await t.app.inject({ url: '/.well-known/oauth-authorization-server' })
    ).json();
    assert.deepEqual(metadata.access_token_signing_alg_values_supported, ['HS256']);
    await assert.rejects(t.app.signingKeys.rotate(), /JWT_SECRET/);
    await t.close();
  });

  test('private keys are stored encrypted; SECRET_KEY rotates via SECRET_KEY_PREVIOUS and reencrypt', async () => {
    const { dir, cleanup } = tempDir();
    const first = testConfig({}, dir);
    const services = createServices(first);
    await migrate(services.database);
    await services.keys.loadKeyRing();
    const made = await services.clients.createClient({ name: 'c', scopes: ['write'] });
    const rows = await services.database.db.selectFrom('signing_keys').selectAll().execute();
    assert.equal(rows.length, 1);
    const sealed = rows[0]?.private_key ?? '';
    assert.match(sealed, /^v1\./);
    assert.ok(!sealed.includes('"d"'));
    await services.database.close();

    const newSecret = 'a-brand-new-secret-key-0123456789abcdef';
    const withoutPrevious = createServices(testConfig({ SECRET_KEY: newSecret }, dir));
    await assert.rejects(withoutPrevious.keys.loadKeyRing(), /SECRET_KEY_PREVIOUS/);
    await withoutPrevious.database.close();

    const rotating = createServices(
      testConfig({ SECRET_KEY: newSecret, SECRET_KEY_PREVIOUS: TEST_SECRET_KEY }, dir),
    );
    await rotating.keys.loadKeyRing();
    assert.ok(
      await rotating.clients.authenticateClient(made.client.id, made.secret),
      'client secrets verify under the previous key',
    );
    assert.equal(await rotating.keys.reencryptKeys(), 1);
    await rotating.database.close();

    const rotated = createServices(testConfig({ SECRET_KEY: newSecret }, dir));
    await rotated.keys.loadKeyRing();
    assert.ok(
      await rotated.clients.authenticateClient(made.client.id, made.secret),
      'the digest was moved to the new key',
    );
    await rotated.database.close();
    cleanup();
  });

  test('two instances starting at once on an empty database make one current key', async () => {
    const { dir, cleanup } = tempDir();
    const config = testConfig({}, dir);
    const a = createServices(config);
    await migrate(a.database);
    const b = createServices(config);
    const [ringA, ringB] = await Promise.all([a.keys.loadKeyRing(), b.keys.loadKeyRing()]);
    assert.equal(ringA.current.kid, ringB.current.kid);
    const current = await a.database.db
      .selectFrom('signing_keys')
      .selectAll()
      .where('retired_at', 'is', null)
      .execute();
    assert.equal(current.length, 1);
    await a.database.close();
    await b.database.close();
    cleanup();
  });
});
