import assert from 'node:assert/strict';
import {
  createHmac,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  randomUUID,
  sign,
} from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { exportJWK, SignJWT } from 'jose';
import { createServices } from '../../src/services.js';
import {
  basic,
  newPlayer,
  protectedStatus,
  startTestApp,
  type TestApp,
  testClock,
} from '../helpers.js';

const b64 = (value: unknown) =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

describe('JWT attacks: every forged token gets 401 invalid_token', () => {
  let t: TestApp;
  let kid: string;
  let serverKey: KeyObject;
  let valid: string;
  const clock = testClock();
  const now = () => Math.floor(clock.now() / 1000);

  before(async () => {
    t = await startTestApp({}, { now: clock.now });
    const services = createServices(t.config);
    const ring = await services.keys.loadKeyRing();
    await services.database.close();
    kid = ring.current.kid;
    serverKey = ring.current.key;
    valid = await t.token();
  });
  after(() => t.close());

  const claims = (extra: Record<string, unknown> = {}) => ({
    iss: 'http://localhost:9000',
    sub: t.client.id,
    aud: 'players-api',
    client_id: t.client.id,
    scope: 'write',
    jti: randomUUID(),
    iat: now(),
    exp: now() + 600,
    ...extra,
  });

  /** Signs with the server's real key: only the named defect makes the token bad. */
  const signed = (
    payload: object,
    header: Record<string, unknown> = {},
    key: KeyObject = serverKey,
  ) =>
    new SignJWT(payload as Record<string, unknown>)
      .setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', kid, ...header })
      .sign(key);

  /** Signs any header and payload by hand, for what jose refuses to produce. */
  const rawSigned = (header: object, payload: unknown) => {
    const input = `${b64({ alg: 'EdDSA', typ: 'at+jwt', kid, ...header })}.${b64(payload)}`;
    return `${input}.${sign(null, Buffer.from(input), serverKey).toString('base64url')}`;
  };

  async function expectRejected(token: string, description?: RegExp) {
    const response = await t.app.inject({
      method: 'POST',
      url: '/players/',
      headers: { authorization: `Bearer ${token}` },
      payload: newPlayer(90),
    });
    assert.equal(
      response.statusCode,
      401,
      `${token.slice(0, 60)}… got ${response.statusCode} ${response.body}`,
    );
    const challenge = response.headers['www-authenticate'] as string;
    assert.match(
      challenge,
      /^Bearer realm="players-api", error="invalid_token", error_description="[^"\\]+"$/,
    );
    if (description) assert.match(challenge, description);
    assert.equal(
      (await t.app.inject({ url: '/players/squadnumber/90' })).statusCode,
      404,
      'nothing was written',
    );
  }

  test('the control: a token signed by the server key with these claims is accepted', async () => {
    const response = await t.app.inject({
      method: 'GET',
      url: '/protected',
      headers: { authorization: `Bearer ${await signed(claims())}` },
    });
    assert.equal(response.statusCode, 200);
  });

  test('alg none, without and with a signature', async () => {
    const unsigned = `${b64({ alg: 'none', typ: 'at+jwt', kid })}.${b64(claims())}`;
    await expectRejected(`${unsigned}.`);
    await expectRejected(`${unsigned}.${valid.split('.')[2]}`, /algorithm/);
    await expectRejected(
      `${b64({ alg: 'None', typ: 'at+jwt', kid })}.${b64(claims())}.x`,
      /algorithm/,
    );
  });

  test('HS256 signed with the public key (algorithm confusion), as PEM, padded PEM and JWK JSON', async () => {
    const publicKey = createPublicKey(serverKey);
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const jwk = JSON.stringify(await exportJWK(publicKey));
    for (const secret of [
      pem,
      `  \n${pem}`,
      jwk,
      Buffer.from(publicKey.export({ type: 'spki', format: 'der' })).toString('base64'),
    ]) {
      const input = `${b64({ alg: 'HS256', typ: 'at+jwt', kid })}.${b64(claims())}`;
      const signature = createHmac('sha256', secret).update(input).digest('base64url');
      await expectRejected(`${input}.${signature}`, /algorithm/);
    }
  });

  test('tampered payload and escalated scope under the original signature, once the original is cached', async () => {
    assert.equal(await protectedStatus(t.app, valid), 200);
    const [header, payload, signature] = valid.split('.') as [string, string, string];
    const escalated = {
      ...JSON.parse(Buffer.from(payload, 'base64url').toString()),
      scope: 'write admin',
    };
    await expectRejected(`${header}.${b64(escalated)}.${signature}`, /signature/);
    const flipped = signature.startsWith('A') ? `B${signature.slice(1)}` : `A${signature.slice(1)}`;
    await expectRejected(`${header}.${payload}.${flipped}`, /signature/);
    assert.equal(await protectedStatus(t.app, valid), 200, 'the genuine token still passes');
  });

  test('expired, not yet valid, issued in the future', async () => {
    await expectRejected(await signed(claims({ iat: now() - 7200, exp: now() - 3600 })), /expired/);
    await expectRejected(await signed(claims({ nbf: now() + 3600 })), /not valid yet/);
    await expectRejected(await signed(claims({ iat: now() + 3600, exp: now() + 7200 })), /future/);
  });

  test('wrong iss, wrong aud, wrong typ, iss as an array, missing claims', async () => {
    await expectRejected(await signed(claims({ iss: 'https://evil.example' })), /issuer/);
    await expectRejected(await signed(claims({ aud: 'other-api' })), /audience/);
    await expectRejected(await signed(claims(), { typ: 'JWT' }), /typ/);
    await expectRejected(await signed(claims(), { typ: undefined }), /typ/);
    await expectRejected(await signed(claims({ iss: ['http://localhost:9000'] })));
    await expectRejected(await signed(claims({ exp: String(now() + 600) })));
    const { jti: _jti, ...noJti } = claims();
    await expectRejected(await signed(noJti));
    const { exp: _exp, ...noExp } = claims();
    await expectRejected(await signed(noExp));
    await expectRejected(await signed(claims({ scope: ['write'] })));
  });

  test('a token without a scope claim (RFC 9068 §2.2.3 makes it optional) holds no scope', async () => {
    const { scope: _scope, ...noScope } = claims();
    const token = await signed(noScope);
    assert.equal(await protectedStatus(t.app, token), 200);
    const write = await t.app.inject({
      method: 'POST',
      url: '/players/',
      headers: { authorization: `Bearer ${token}` },
      payload: newPlayer(90),
    });
    assert.equal(write.statusCode, 403, write.body);
    assert.match(String(write.headers['www-authenticate']), /error="insufficient_scope"/);
  });

  test('a token whose aud lists this API among others is accepted, and introspected with its list', async () => {
    const aud = ['players-api', 'reports-api'];
    const token = await signed(claims({ aud }));
    assert.equal(await protectedStatus(t.app, token), 200);
    const introspected = await t.app.inject({
      method: 'POST',
      url: '/auth/introspect',
      headers: { authorization: basic(t.client.id, t.client.secret) },
      payload: { token },
    });
    assert.equal(introspected.statusCode, 200);
    assert.equal(introspected.json().active, true);
    assert.deepEqual(introspected.json().aud, aud);
  });

  test('a JSON array payload', async () => {
    await expectRejected(rawSigned({}, [claims()]));
    await expectRejected(rawSigned({}, 'a string'));
  });

  test('unknown, empty and missing kid; a different key under the known kid', async () => {
    const attacker = generateKeyPairSync('ed25519').privateKey;
    await expectRejected(await signed(claims(), { kid: 'made-up' }, attacker), /unknown key/);
    await expectRejected(await signed(claims(), { kid: '' }, attacker), /key id/);
    await expectRejected(await signed(claims(), { kid: undefined }, attacker), /key id/);
    await expectRejected(await signed(claims(), {}, attacker), /signature/);
  });

  test('attacker keys named by the token: jku, jwk, x5u, x5c', async () => {
    const attacker = generateKeyPairSync('ed25519');
    const jwk = await exportJWK(attacker.publicKey);
    await expectRejected(await signed(claims(), { jwk }, attacker.privateKey), /never trusted/);
    await expectRejected(
      await signed(claims(), { jku: 'https://evil.example/jwks.json' }, attacker.privateKey),
      /never trusted/,
    );
    await expectRejected(
      await signed(claims(), { x5u: 'https://evil.example/cert.pem' }, attacker.privateKey),
      /never trusted/,
    );
    await expectRejected(
      await signed(claims(), { x5c: ['MIIB'] }, attacker.privateKey),
      /never trusted/,
    );
    // Even with the server's own signature, a key-naming header is refused.
    await expectRejected(
      await signed(claims(), { jku: 'https://evil.example/jwks.json' }),
      /never trusted/,
    );
  });

  test('a crit header', async () => {
    await expectRejected(rawSigned({ crit: ['exp2'], exp2: 1 }, claims()), /critical/);
    await expectRejected(rawSigned({ crit: [] }, claims()), /critical/);
  });

  test('oversized and malformed tokens', async () => {
    await expectRejected(`${valid}${'A'.repeat(10_000)}`);
    for (const bad of [
      'abc',
      'a.b',
      'a.b.c.d',
      `${valid}.extra`,
      valid.split('.').slice(0, 2).join('.'),
      '..',
      'e30.e30.e30',
      '!!!.e30.e30',
    ]) {
      await expectRejected(bad);
    }
  });

  test('a valid token stops working once expired, even after it was cached', async () => {
    const token = await t.token();
    const ok = await t.app.inject({
      url: '/protected',
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(ok.statusCode, 200);
    clock.advance(3600 + 5 + 1);
    await expectRejected(token, /expired/);
    clock.advance(-(3600 + 5 + 1));
  });
});
