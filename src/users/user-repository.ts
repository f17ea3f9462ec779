import type { Kysely, Selectable } from 'kysely';
import { isUniqueViolation } from '../db/errors.js';
import type { Schema, UsersTable } from '../db/schema.js';
import { isPlainText } from '../plain-text.js';

export interface User {
  id: string;
  username: string;
  fullName: string | null;
  passwordHash: string;
  scopes: string[];
  disabled: boolean;
  createdAt: number;
  updatedAt: number;
}

function fromRow(row: Selectable<UsersTable>): User {
  return {
    id: row.id,
    username: row.username,
    fullName: row.full_name,
    passwordHash: row.password_hash,
    scopes: row.scopes.split(' ').filter(Boolean),
    disabled: row.disabled === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export interface UserRepository {
  findById(id: string): Promise<User | undefined>;
  findByKey(usernameKey: string): Promise<User | undefined>;
  /** False when the username is taken (the unique index decides). */
  insert(user: User, usernameKey: string): Promise<boolean>;
  setPasswordHash(id: string, passwordHash: string, now: number): Promise<void>;
  setDisabled(id: string, disabled: boolean, now: number): Promise<void>;
}

export function userRepository(db: Kysely<Schema>): UserRepository {
  const users = () => db.selectFrom('users').selectAll();
  return {
    async findById(id) {
      const row = await users().where('id', '=', id).executeTakeFirst();
      return row && fromRow(row);
    },
    // A username a request named that is not plain text finds no one (no user is stored
    // with it) and is not sent to the database, where PostgreSQL fails on U+0000.
    async findByKey(usernameKey) {
      if (!isPlainText(usernameKey)) return undefined;
      const row = await users().where('username_key', '=', usernameKey).executeTakeFirst();
      return row && fromRow(row);
    },
    async insert(user, usernameKey) {
      try {
        await db
          .insertInto('users')
          .values({
            id: user.id,
            username: user.username,
            username_key: usernameKey,
            full_name: user.fullName,
            password_hash: user.passwordHash,
            scopes: user.scopes.join(' '),
            disabled: Number(user.disabled),
            created_at: user.createdAt,
            updated_at: user.updatedAt,
          })
          .execute();
        return true;
      } catch (error) {
        if (isUniqueViolation(error)) return false;
        throw error;
      }
    },
    async setPasswordHash(id, passwordHash, now) {
      await db
        .updateTable('users')
        .set({ password_hash: passwordHash, updated_at: now })
        .where('id', '=', id)
        .execute();
    },
    async setDisabled(id, disabled, now) {
      await db
        .updateTable('users')
        .set({ disabled: Number(disabled), updated_at: now })
        .where('id', '=', id)
        .execute();
    },
  };
}
