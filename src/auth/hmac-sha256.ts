import * as crypto from 'node:crypto';

const BLOCK_BYTES = 64;

/** SHA-256 in one call: 0.7 µs here, against 1.2 µs through `createHash`. */
const sha256: (data: string | Buffer) => Buffer =
  typeof crypto.hash === 'function'
    ? (data) => crypto.hash('sha256', data, 'buffer')
    : (data) => crypto.createHash('sha256').update(data).digest();

/**
 * SHA-256 as a 32-character latin1 string (a character a byte): out of `crypto.hash` in
 * 0.35 µs, where a Buffer takes 0.9 µs (Node 20). For digests only ever compared here.
 */
export const sha256Text: (data: string) => string =
  typeof crypto.hash === 'function'
    ? (data) => crypto.hash('sha256', data, 'binary')
    : (data) => crypto.createHash('sha256').update(data).digest('binary');

/** Whether two digests of one length are equal, in time that does not depend on where they differ. */
export function sameDigestText(a: string, b: string): boolean {
  let difference = a.length ^ b.length;
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}

/** A MAC under a key fixed when it was made. */
export type Mac = (message: string) => Buffer;

/**
 * HMAC-SHA-256 (RFC 2104) under one key, as two one-shot SHA-256 hashes of the key's
 * padded blocks (worked out once) and the message: the same bytes as `createHmac`'s.
 * Node 24's `createHmac` fetches the algorithm from OpenSSL's providers on every call:
 * 11.7 µs a MAC there against 2.2 µs this way (2.2 and 2.1 µs on Node 20). The token
 * endpoint makes one for every client secret it checks. Node before 20.12 has no
 * `crypto.hash` and gets `createHmac`.
 */
export function hmacSha256(key: Buffer): Mac {
  if (typeof crypto.hash !== 'function') {
    return (message) => crypto.createHmac('sha256', key).update(message, 'utf8').digest();
  }
  // RFC 2104 §2: a key longer than the block is hashed first.
  const block = key.length > BLOCK_BYTES ? sha256(key) : key;
  const inner = Buffer.alloc(BLOCK_BYTES, 0x36);
  const outer = Buffer.alloc(BLOCK_BYTES, 0x5c);
  for (let i = 0; i < block.length; i++) {
    inner[i] = (inner[i] as number) ^ (block[i] as number);
    outer[i] = (outer[i] as number) ^ (block[i] as number);
  }
  return (message) =>
    sha256(Buffer.concat([outer, sha256(Buffer.concat([inner, Buffer.from(message, 'utf8')]))]));
}
