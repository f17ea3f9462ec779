import type { Kysely, Selectable } from 'kysely';
import { isUniqueViolation } from '../db/errors.js';
import type { Schema, SigningKeysTable } from '../db/schema.js';

export type StoredKey = Selectable<SigningKeysTable>;

export interface KeyStore {
  /** Keys of one algorithm that may still verify: current, or retired after `since`. */
  live(alg: string, since: number): Promise<StoredKey[]>;
  all(): Promise<StoredKey[]>;
  /** Adds a current key; false when another process added one first. */
  addCurrent(key: StoredKey): Promise<boolean>;
  /** Retires the current key and adds `key` as current, atomically. */
  rotate(key: StoredKey, now: number): Promise<void>;
  /** Deletes keys retired before `before`: no unexpired token can carry them. */
  deleteRetired(before: number): Promise<number>;
  replacePrivateKey(kid: string, privateKey: string): Promise<void>;
}

export function keyStore(db: Kysely<Schema>): KeyStore {
  return {
    live: (alg, since) =>
      db
        .selectFrom('signing_keys')
        .selectAll()
        .where('alg', '=', alg)
        .where((eb) => eb.or([eb('retired_at', 'is', null), eb('retired_at', '>', since)]))
        .orderBy('created_at', 'desc')
        .execute(),
    all: () => db.selectFrom('signing_keys').selectAll().orderBy('created_at', 'desc').execute(),
    async addCurrent(key) {
      try {
        await db.insertInto('signing_keys').values(key).execute();
        return true;
      } catch (error) {
        if (isUniqueViolation(error)) return false;
        throw error;
      }
    },
    rotate: (key, now) =>
      db.transaction().execute(async (trx) => {
        await trx
          .updateTable('signing_keys')
          .set({ retired_at: now })
          .where('alg', '=', key.alg)
          .where('retired_at', 'is', null)
          .execute();
        await trx.insertInto('signing_keys').values(key).execute();
      }),
    async deleteRetired(before) {
      const result = await db
        .deleteFrom('signing_keys')
        .where('retired_at', '<', before)
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
    async replacePrivateKey(kid, privateKey) {
      await db
        .updateTable('signing_keys')
        .set({ private_key: privateKey })
        .where('kid', '=', kid)
        .execute();
    },
  };
}
