import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { test } from 'node:test';
import fc from 'fast-check';
import { decodeJwt } from 'jose';
import { accessTokenIssuer, claimsJson } from '../../src/auth/access-token.js';
import { hmacKeyRing, KeyRing } from '../../src/keys/key-ring.js';
import { startSigningThread } from '../../src/keys/signing-thread.js';

// Printable ASCII (quoted as it is unless it holds `"` or `\`) and any code units at all.
const text = fc.oneof(fc.string(), fc.string({ unit: 'binary' }));
const claims = fc.record({
  iss: text,
  sub: text,
  aud: fc.oneof(text, fc.array(text)),
  client_id: text,
  scope: text,
  jti: fc.uuid(),
  iat: fc.integer({ min: 0, max: 2 ** 40 }),
  exp: fc.integer({ min: 0, max: 2 ** 40 }),
});

test('claimsJson writes what JSON.stringify writes, quotes, control characters and all', () => {
  fc.assert(
    fc.property(claims, (c) => {
      assert.equal(claimsJson(c), JSON.stringify(c));
    }),
    { numRuns: 1000 },
  );
});

test("a token's payload is every claim the issuer reports, for both kinds of key", async () => {
  const thread = startSigningThread();
  const edKey = {
    kid: 'ed',
    alg: 'EdDSA' as const,
    key: generateKeyPairSync('ed25519').privateKey,
  };
  for (const ring of [hmacKeyRing('a test secret of thirty-two bytes!'), new KeyRing(edKey, [])]) {
    const issue = accessTokenIssuer({
      keys: () => ring,
      signingThread: thread,
      issuer: 'https://issuer.example/"quoted"',
      audience: 'players-api',
      ttlSeconds: 60,
      now: () => 1_790_000_000_000,
    });
    const issued = await issue({ subject: 'ünïcode \u2028', clientId: 'c"1', scopes: ['write'] });
    assert.deepEqual(decodeJwt(issued.token), { ...issued.claims });
    assert.equal(issued.claims.exp - issued.claims.iat, 60);
  }
  await thread.close();
});
