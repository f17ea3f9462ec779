import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync, type KeyObject, verify } from 'node:crypto';
import { after, describe, test } from 'node:test';
import type { SigningAlg, SigningKey } from '../../src/keys/key-ring.js';
import { startSigningThread } from '../../src/keys/signing-thread.js';

function keyPair(alg: SigningAlg): { signing: SigningKey; publicKey: KeyObject } {
  const { privateKey } =
    alg === 'EdDSA'
      ? generateKeyPairSync('ed25519')
      : alg === 'ES256'
        ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
        : generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    signing: { kid: `kid-${alg}`, alg, key: privateKey },
    publicKey: createPublicKey(privateKey),
  };
}

const HEADER = Buffer.from('{"alg":"test"}').toString('base64url');

/** Whether `jws` is `expected` (the header), then `payload` in base64url, signed by `publicKey`. */
function verifies(
  alg: SigningAlg,
  publicKey: KeyObject,
  payload: string,
  jws: string,
  expected = HEADER,
) {
  const [header, encoded, signature, ...rest] = jws.split('.');
  if (header !== expected || encoded !== Buffer.from(payload).toString('base64url')) return false;
  if (signature === undefined || rest.length > 0) return false;
  const data = Buffer.from(`${header}.${encoded}`);
  const sig = Buffer.from(signature, 'base64url');
  if (alg === 'EdDSA') return verify(null, data, publicKey, sig);
  return verify(
    'sha256',
    data,
    alg === 'ES256' ? { key: publicKey, dsaEncoding: 'ieee-p1363' } : publicKey,
    sig,
  );
}

describe('signing thread', () => {
  const thread = startSigningThread();
  after(() => thread.close());

  for (const alg of ['EdDSA', 'ES256', 'RS256'] as const) {
    test(`${alg}: a JWS made on the thread holds the header and payload and verifies`, async () => {
      const { signing, publicKey } = keyPair(alg);
      const jws = await thread.signJws(signing, HEADER, '{"sub":"é"}');
      assert.ok(verifies(alg, publicKey, '{"sub":"é"}', jws));
      assert.ok(!verifies(alg, publicKey, '{"sub":"e"}', jws));
      const [header, payload, signature] = jws.split('.');
      const forged = `${header}.${Buffer.from('{"sub":"e"}').toString('base64url')}.${signature}`;
      assert.ok(!verifies(alg, publicKey, '{"sub":"e"}', forged));
      assert.equal(Buffer.from(payload as string, 'base64url').toString(), '{"sub":"é"}');
    });
  }

  test('EdDSA: libsodium (used where installed) and OpenSSL make the very same tokens', async () => {
    const openssl = startSigningThread({ sodium: null });
    const missing = startSigningThread({ sodium: '/nowhere/sodium-native' });
    try {
      const { signing, publicKey } = keyPair('EdDSA');
      for (const payload of ['{}', '{"a":1}', 'é'.repeat(600)]) {
        const jws = await thread.signJws(signing, HEADER, payload);
        assert.equal(jws, await openssl.signJws(signing, HEADER, payload), 'RFC 8032');
        assert.equal(jws, await missing.signJws(signing, HEADER, payload), 'no libsodium');
        assert.ok(verifies('EdDSA', publicKey, payload, jws));
      }
    } finally {
      await openssl.close();
      await missing.close();
    }
  });

  test('many requests in one turn, under two keys and two headers, each get their own token', async () => {
    const a = keyPair('EdDSA');
    const b = keyPair('ES256');
    const other = Buffer.from('{"alg":"other"}').toString('base64url');
    const payloads = Array.from({ length: 200 }, (_, i) => `{"n":${i}}`);
    const tokens = await Promise.all(
      payloads.map((payload, i) =>
        thread.signJws(i % 2 === 0 ? a.signing : b.signing, i % 3 === 0 ? other : HEADER, payload),
      ),
    );
    tokens.forEach((jws, i) => {
      const { signing, publicKey } = i % 2 === 0 ? a : b;
      const payload = payloads[i] as string;
      const header = i % 3 === 0 ? other : HEADER;
      assert.ok(verifies(signing.alg, publicKey, payload, jws, header), `payload ${i}`);
    });
  });

  test('a payload with a line break is refused; it would split the batch', async () => {
    const { signing } = keyPair('EdDSA');
    await assert.rejects(thread.signJws(signing, HEADER, '{"a":\n1}'), /line break/);
    await assert.rejects(thread.signJws(signing, `${HEADER}\n`, '{}'), /line break/);
  });

  test('a key that cannot make the named signature fails that request only', async () => {
    const { signing } = keyPair('EdDSA');
    const good = keyPair('EdDSA');
    const [bad, fine] = await Promise.allSettled([
      thread.signJws({ ...signing, kid: 'mislabelled', alg: 'ES256' }, HEADER, 'x'),
      thread.signJws(good.signing, HEADER, 'y'),
    ]);
    assert.equal(bad.status, 'rejected');
    assert.match(String((bad as PromiseRejectedResult).reason), /could not sign/);
    assert.equal(fine.status, 'fulfilled');
    assert.ok(
      verifies('EdDSA', good.publicKey, 'y', (fine as PromiseFulfilledResult<string>).value),
    );
  });

  test('close answers the requests still waiting, and refuses new ones, instead of leaving them hanging', async () => {
    const own = startSigningThread();
    const { signing } = keyPair('EdDSA');
    await own.signJws(signing, HEADER, 'before');
    const pending = assert.rejects(
      own.signJws(signing, HEADER, 'asked just before close'),
      /stopped/,
    );
    await own.close();
    await pending;
    await assert.rejects(own.signJws(signing, HEADER, 'after'), /stopped/);
  });
});
