import { hkdfSync, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Config } from '../config.js';
import { sqlitePath } from '../db/database.js';

/** What SECRET_KEY is used for; each purpose gets its own derived key (HKDF, RFC 5869). */
export type SecretPurpose =
  | 'signing-key-encryption'
  | 'client-secret-digest'
  | 'refresh-token-digest';

export interface SecretKeys {
  current: string;
  previous: string | undefined;
}

/** Where development keeps what it makes: beside the SQLite file, or ./data. */
export function dataDirOf(config: Config): string {
  const url = config.DATABASE_URL;
  if (url.startsWith('sqlite:') && sqlitePath(url) !== ':memory:') return dirname(sqlitePath(url));
  return 'data';
}

/**
 * SECRET_KEY from the settings; in development, when unset, one made once and kept in
 * `<data>/secret.key` (mode 0600) so that restarts keep decrypting what they stored.
 * Production never gets here without one: the config refuses to load.
 */
export function loadSecretKeys(config: Config): SecretKeys {
  if (config.SECRET_KEY !== undefined) {
    return { current: config.SECRET_KEY, previous: config.SECRET_KEY_PREVIOUS };
  }
  const file = join(dataDirOf(config), 'secret.key');
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
  }
  chmodSync(file, 0o600);
  return { current: readFileSync(file, 'utf8').trim(), previous: config.SECRET_KEY_PREVIOUS };
}

export function deriveKey(secret: string, purpose: SecretPurpose): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, 'players-api', purpose, 32));
}
