import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { test } from 'node:test';
import fc from 'fast-check';
import { hmacSha256, sameDigestText, sha256Text } from '../../src/auth/hmac-sha256.js';

test('hmacSha256 gives the bytes createHmac gives, for keys shorter and longer than a block', () => {
  fc.assert(
    fc.property(
      fc.uint8Array({ minLength: 0, maxLength: 200 }),
      fc.string({ unit: 'binary' }),
      (key, message) => {
        const expected = createHmac('sha256', key).update(message, 'utf8').digest();
        assert.deepEqual(hmacSha256(Buffer.from(key))(message), expected);
      },
    ),
    { numRuns: 500 },
  );
});

// RFC 4231 §4.3 and §4.7: a short key, and a 131-byte key that is hashed first.
test('hmacSha256 answers RFC 4231 test cases 2 and 6', () => {
  assert.equal(
    hmacSha256(Buffer.from('Jefe'))('what do ya want for nothing?').toString('hex'),
    '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
  );
  assert.equal(
    hmacSha256(Buffer.alloc(131, 0xaa))(
      'Test Using Larger Than Block-Size Key - Hash Key First',
    ).toString('hex'),
    '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54',
  );
});

test('sha256Text is the SHA-256 digest, a latin1 character a byte', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'grapheme', maxLength: 100 }), (data) => {
      const text = sha256Text(data);
      assert.equal(text.length, 32);
      assert.deepEqual(Buffer.from(text, 'latin1'), createHash('sha256').update(data).digest());
    }),
    { numRuns: 300 },
  );
});

test('sameDigestText: equal digests only, wherever they differ and whatever their lengths', () => {
  const digest = sha256Text('secret');
  assert.equal(sameDigestText(digest, sha256Text('secret')), true);
  for (const at of [0, 15, 31]) {
    const changed = `${digest.slice(0, at)}${String.fromCharCode(digest.charCodeAt(at) ^ 1)}${digest.slice(at + 1)}`;
    assert.equal(sameDigestText(digest, changed), false, `a difference at ${at}`);
  }
  assert.equal(sameDigestText(digest, digest.slice(0, 31)), false);
  assert.equal(sameDigestText(digest.slice(0, 31), digest), false);
  assert.equal(sameDigestText('', digest), false);
});
