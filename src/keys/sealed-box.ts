import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { deriveKey, type SecretKeys } from './secret-key.js';

const VERSION = 'v1';

/** AES-256-GCM under a key derived from SECRET_KEY: `v1.<iv>.<tag>.<ciphertext>`, base64url. */
export function seal(plaintext: string, secret: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', deriveKey(secret, 'signing-key-encryption'), iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [VERSION, iv, cipher.getAuthTag(), ciphertext]
    .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
    .join('.');
}

function openWith(sealed: string, secret: string): string | undefined {
  const [version, iv, tag, ciphertext] = sealed.split('.');
  if (version !== VERSION || !iv || !tag || ciphertext === undefined) return undefined;
  try {
    const decipher = createDecipheriv(
      'aes-256-gcm',
      deriveKey(secret, 'signing-key-encryption'),
      Buffer.from(iv, 'base64url'),
    );
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([
      decipher.update(Buffer.from(ciphertext, 'base64url')),
      decipher.final(),
    ]).toString('utf8');
  } catch {
    return undefined;
  }
}

export class SecretKeyMismatchError extends Error {
  override name = 'SecretKeyMismatchError';
}

/** Opens with SECRET_KEY, then SECRET_KEY_PREVIOUS, so a secret can be rotated without loss. */
export function open(sealed: string, secrets: SecretKeys): string {
  const plaintext =
    openWith(sealed, secrets.current) ??
    (secrets.previous === undefined ? undefined : openWith(sealed, secrets.previous));
  if (plaintext === undefined) {
    throw new SecretKeyMismatchError(
      'A stored signing key cannot be decrypted: SECRET_KEY changed (set the old value as SECRET_KEY_PREVIOUS)',
    );
  }
  return plaintext;
}
