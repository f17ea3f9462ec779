import { generateKeyPair, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { calculateJwkThumbprint, type JWK } from 'jose';
import {
  asymmetricKeyRing,
  hmacKeyRing,
  type KeyMaterial,
  type KeyRing,
  type SigningAlg,
} from './key-ring.js';
import type { KeyStore, StoredKey } from './key-store.js';
import { open, seal } from './sealed-box.js';
import type { SecretKeys } from './secret-key.js';

const generate = promisify(generateKeyPair);

export interface KeyServiceOptions {
  store: KeyStore;
  secrets: SecretKeys;
  alg: SigningAlg;
  /** Set with JWT_ALG=HS256: the key comes from the settings, not the database. */
  hmacSecret: string | undefined;
  /** How long a retired key keeps verifying: the longest access-token lifetime plus skew. */
  graceMs: number;
  now: () => number;
  /** Told of every rotation (the audit log). */
  onRotated?: (kid: string) => void;
}

export interface KeyInfo {
  kid: string;
  alg: string;
  /** null for the HS256 key, which comes from JWT_SECRET. */
  createdAt: string | null;
  retiredAt: string | null;
  /** When the key leaves the JWKS (retired keys only). */
  expiresAt: string | null;
  current: boolean;
}

export class HmacKeysNotManagedError extends Error {
  override name = 'HmacKeysNotManagedError';
  constructor() {
    super(
      'JWT_ALG=HS256 signs with JWT_SECRET from the settings: rotate it by changing JWT_SECRET.',
    );
  }
}

async function newKeyPair(alg: Exclude<SigningAlg, 'HS256'>): Promise<KeyObject> {
  switch (alg) {
    case 'EdDSA':
      return (await generate('ed25519')).privateKey;
    case 'ES256':
      return (await generate('ec', { namedCurve: 'P-256' })).privateKey;
    case 'RS256':
      return (await generate('rsa', { modulusLength: 2048 })).privateKey;
  }
}

export function keyService(options: KeyServiceOptions) {
  const { store, secrets, alg, hmacSecret, graceMs, now } = options;

  async function createKey(): Promise<StoredKey> {
    if (alg === 'HS256') throw new HmacKeysNotManagedError();
    const privateKey = await newKeyPair(alg);
    const privateJwk = privateKey.export({ format: 'jwk' }) as JWK;
    const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicPart } = privateJwk;
    const kid = await calculateJwkThumbprint(publicPart);
    return {
      kid,
      alg,
      public_jwk: JSON.stringify({ ...publicPart, kid, alg, use: 'sig' }),
      private_key: seal(JSON.stringify(privateJwk), secrets.current),
      created_at: now(),
      retired_at: null,
    };
  }

  function material(row: StoredKey, withPrivate: boolean): KeyMaterial {
    return {
      kid: row.kid,
      alg: row.alg as SigningAlg,
      publicJwk: JSON.parse(row.public_jwk) as JWK,
      privateJwk: withPrivate ? (JSON.parse(open(row.private_key, secrets)) as JWK) : undefined,
    };
  }

  return {
    /** The ring of keys to use now; makes the first key when there is none. */
    async loadKeyRing(): Promise<KeyRing> {
      if (hmacSecret !== undefined) return hmacKeyRing(hmacSecret);
      let rows = await store.live(alg, now() - graceMs);
      if (!rows.some((r) => r.retired_at === null)) {
        // Two instances starting at once both get here; the unique index lets one key win.
        await store.addCurrent(await createKey());
        rows = await store.live(alg, now() - graceMs);
      }
      const current = rows.find((r) => r.retired_at === null);
      if (current === undefined) throw new Error('no current signing key after creating one');
      return asymmetricKeyRing(
        material(current, true),
        rows.map((r) => material(r, false)),
      );
    },

    /** Makes a new current key; the old one keeps verifying for the grace period. */
    async rotateSigningKey(): Promise<string> {
      const key = await createKey();
      await store.rotate(key, now());
      await store.deleteRetired(now() - graceMs);
      options.onRotated?.(key.kid);
      return key.kid;
    },

    async listKeys(): Promise<KeyInfo[]> {
      if (hmacSecret !== undefined) {
        const ring = hmacKeyRing(hmacSecret);
        return [
          {
            kid: ring.current.kid,
            alg: 'HS256',
            createdAt: null,
            retiredAt: null,
            expiresAt: null,
            current: true,
          },
        ];
      }
      const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
      return (await store.all()).map((row) => ({
        kid: row.kid,
        alg: row.alg,
        createdAt: new Date(row.created_at).toISOString(),
        retiredAt: iso(row.retired_at),
        expiresAt: iso(row.retired_at === null ? null : row.retired_at + graceMs),
        current: row.retired_at === null && row.alg === alg,
      }));
    },

    /** Re-seals every stored private key under the current SECRET_KEY (after rotating it). */
    async reencryptKeys(): Promise<number> {
      const rows = await store.all();
      for (const row of rows) {
        await store.replacePrivateKey(
          row.kid,
          seal(open(row.private_key, secrets), secrets.current),
        );
      }
      return rows.length;
    },
  };
}

export type KeyService = ReturnType<typeof keyService>;
