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

function verifies(alg: SigningAlg, publicKey: KeyObject, input: string, signature: string) {
  const data = Buffer.from(input);
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
    test(`${alg}: signatures made on the thread verify with the public key`, async () => {
      const { signing, publicKey } = keyPair(alg);
      const signature = await thread.sign(signing, 'header.payload');
      assert.ok(verifies(alg, publicKey, 'header.payload', signature));
      assert.ok(!verifies(alg, publicKey, 'header.payload2', signature));
    });
  }

  test('EdDSA: libsodium (used where installed) and OpenSSL make the very same signatures', async () => {
    const openssl = startSigningThread({ sodium: null });
    const missing = startSigningThread({ sodium: '/nowhere/sodium-native' });
    try {
      const { signing, publicKey } = keyPair('EdDSA');
      for (const input of ['header.payload', 'another.input', 'é'.repeat(600)]) {
        const signature = await thread.sign(signing, input);
        assert.equal(signature, await openssl.sign(signing, input), 'RFC 8032 is deterministic');
        assert.equal(signature, await missing.sign(signing, input), 'no libsodium: OpenSSL');
        assert.ok(verifies('EdDSA', publicKey, input, signature));
      }
    } finally {
      await openssl.close();
      await missing.close();
    }
  });

  test('many requests in one turn, under two keys, each get the signature of their own input', async () => {
    const a = keyPair('EdDSA');
    const b = keyPair('ES256');
    const inputs = Array.from({ length: 200 }, (_, i) => `input-${i}`);
    const signatures = await Promise.all(
      inputs.map((input, i) => thread.sign(i % 2 === 0 ? a.signing : b.signing, input)),
    );
    signatures.forEach((signature, i) => {
      const { signing, publicKey } = i % 2 === 0 ? a : b;
      assert.ok(verifies(signing.alg, publicKey, inputs[i] as string, signature), `input ${i}`);
    });
  });

  test('a key that cannot make the named signature fails that request only', async () => {
    const { signing } = keyPair('EdDSA');
    const good = keyPair('EdDSA');
    const [bad, fine] = await Promise.allSettled([
      thread.sign({ ...signing, kid: 'mislabelled', alg: 'ES256' }, 'x'),
      thread.sign(good.signing, 'y'),
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
    await own.sign(signing, 'before');
    const pending = assert.rejects(own.sign(signing, 'asked just before close'), /stopped/);
    await own.close();
    await pending;
    await assert.rejects(own.sign(signing, 'after'), /stopped/);
  });
});
