import type { Kysely, Selectable } from 'kysely';
import type { OAuthClientsTable, Schema } from '../db/schema.js';
import { isPlainText } from '../plain-text.js';

export interface OAuthClient {
  id: string;
  name: string;
  scopes: string[];
  secretDigest: string;
  /** How the client came to be: cli, bootstrap, development, admin. */
  origin: string;
  disabled: boolean;
  createdAt: number;
  updatedAt: number;
}

function fromRow(row: Selectable<OAuthClientsTable>): OAuthClient {
  return {
    id: row.id,
    name: row.name,
    scopes: row.scopes.split(' ').filter(Boolean),
    secretDigest: row.secret_digest,
    origin: row.origin,
    disabled: row.disabled === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export interface ClientRepository {
  find(id: string): Promise<OAuthClient | undefined>;
  list(): Promise<OAuthClient[]>;
  insert(client: OAuthClient): Promise<void>;
  update(
    id: string,
    changes: Partial<Pick<OAuthClient, 'name' | 'scopes' | 'secretDigest' | 'disabled'>>,
    now: number,
  ): Promise<boolean>;
  delete(id: string): Promise<boolean>;
}

/**
 * Ids arrive from requests (HTTP Basic, forms, admin paths). One that is not plain text
 * names no client, since none is stored with one, and is not sent to the database: in
 * PostgreSQL a U+0000 in a query parameter is an error, not a miss.
 */
export function clientRepository(db: Kysely<Schema>): ClientRepository {
  return {
    async find(id) {
      if (!isPlainText(id)) return undefined;
      const row = await db
        .selectFrom('oauth_clients')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst();
      return row && fromRow(row);
    },
    async list() {
      return (await db.selectFrom('oauth_clients').selectAll().orderBy('created_at').execute()).map(
        fromRow,
      );
    },
    async insert(client) {
      await db
        .insertInto('oauth_clients')
        .values({
          id: client.id,
          name: client.name,
          scopes: client.scopes.join(' '),
          secret_digest: client.secretDigest,
          origin: client.origin,
          disabled: Number(client.disabled),
          created_at: client.createdAt,
          updated_at: client.updatedAt,
        })
        .execute();
    },
    async update(id, changes, now) {
      if (!isPlainText(id)) return false;
      const result = await db
        .updateTable('oauth_clients')
        .set({
          ...(changes.name !== undefined && { name: changes.name }),
          ...(changes.scopes !== undefined && { scopes: changes.scopes.join(' ') }),
          ...(changes.secretDigest !== undefined && { secret_digest: changes.secretDigest }),
          ...(changes.disabled !== undefined && { disabled: Number(changes.disabled) }),
          updated_at: now,
        })
        .where('id', '=', id)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },
    async delete(id) {
      if (!isPlainText(id)) return false;
      const result = await db.deleteFrom('oauth_clients').where('id', '=', id).executeTakeFirst();
      return result.numDeletedRows > 0n;
    },
  };
}
