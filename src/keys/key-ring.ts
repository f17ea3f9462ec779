import {
  createHash,
  createPrivateKey,
  createPublicKey,
  createSecretKey,
  type KeyObject,
} from 'node:crypto';
import type { JWK } from 'jose';

export type SigningAlg = 'EdDSA' | 'ES256' | 'RS256' | 'HS256';

export interface SigningKey {
  kid: string;
  alg: SigningAlg;
  /** Private key, or the shared secret for HS256. */
  key: KeyObject;
}

export interface VerificationKey {
  kid: string;
  alg: SigningAlg;
  key: KeyObject;
  /** Published in the JWKS (never for HS256). */
  publicJwk: JWK | undefined;
}

/**
 * The keys one process signs and verifies with, imported once. Replaced whole on reload,
 * so a request sees either the old set or the new one, never half of each.
 */
export class KeyRing {
  readonly #byKid: ReadonlyMap<string, VerificationKey>;
  readonly #jwks: { keys: JWK[] };

  constructor(
    readonly current: SigningKey,
    verification: readonly VerificationKey[],
  ) {
    this.#byKid = new Map(verification.map((k) => [k.kid, k]));
    this.#jwks = {
      keys: verification.flatMap((k) => (k.publicJwk === undefined ? [] : [k.publicJwk])),
    };
  }

  verificationKey(kid: string): VerificationKey | undefined {
    return this.#byKid.get(kid);
  }

  get algorithms(): SigningAlg[] {
    return [this.current.alg];
  }

  /** RFC 7517 key set of the public keys that may still verify a live token. */
  jwks(): { keys: JWK[] } {
    return this.#jwks;
  }
}

/** HS256: one key from JWT_SECRET; its kid names the secret without revealing it. */
export function hmacKeyRing(secret: string): KeyRing {
  const kid = `hs256-${createHash('sha256').update(secret).digest('base64url').slice(0, 16)}`;
  const key = createSecretKey(Buffer.from(secret, 'utf8'));
  return new KeyRing({ kid, alg: 'HS256', key }, [
    { kid, alg: 'HS256', key, publicJwk: undefined },
  ]);
}

export interface KeyMaterial {
  kid: string;
  alg: SigningAlg;
  publicJwk: JWK;
  privateJwk: JWK | undefined;
}

/** Builds the ring from stored keys, newest first; the current one must carry its private part. */
export function asymmetricKeyRing(current: KeyMaterial, all: readonly KeyMaterial[]): KeyRing {
  if (current.privateJwk === undefined) throw new Error(`key ${current.kid} has no private part`);
  return new KeyRing(
    {
      kid: current.kid,
      alg: current.alg,
      key: createPrivateKey({
        key: current.privateJwk as import('node:crypto').JsonWebKey,
        format: 'jwk',
      }),
    },
    all.map((k) => ({
      kid: k.kid,
      alg: k.alg,
      key: createPublicKey({ key: k.publicJwk as import('node:crypto').JsonWebKey, format: 'jwk' }),
      publicJwk: k.publicJwk,
    })),
  );
}
