import { readdirSync, readFileSync } from 'node:fs';
import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database } from './database.js';
import type { Schema } from './schema.js';

// Next to this module in src/db/, next to the bundle in dist/ (scripts/build.mjs copies them).
const MIGRATIONS_DIR = new URL('./migrations/', import.meta.url);
// Any fixed number: it names the lock that serializes migrations across PostgreSQL clients.
const PG_MIGRATION_LOCK = 727_001;

export interface Migration {
  version: string;
  statements: string[];
}

/** Splits a plain SQL file into statements; our files keep one statement per `;` line end. */
function statementsOf(text: string): string[] {
  return text
    .split(/;\s*$/m)
    .map((s) => s.replace(/^\s*--.*$/gm, '').trim())
    .filter(Boolean);
}

export function readMigrations(): Migration[] {
  return readdirSync(MIGRATIONS_DIR)
    .filter((f) => /^\d+_[\w-]+\.sql$/.test(f))
    .sort()
    .map((file) => ({
      version: file.replace(/\.sql$/, ''),
      statements: statementsOf(readFileSync(new URL(file, MIGRATIONS_DIR), 'utf8')),
    }));
}

/**
 * Runs `work` in one transaction that no other process runs at the same time:
 * SQLite's BEGIN IMMEDIATE takes the write lock up front, PostgreSQL takes an advisory lock.
 */
export async function inExclusiveTransaction<T>(
  database: Database,
  work: (trx: Kysely<Schema>) => Promise<T>,
): Promise<T> {
  if (database.dialect === 'postgres') {
    return database.db.transaction().execute(async (trx: Transaction<Schema>) => {
      await sql`select pg_advisory_xact_lock(${PG_MIGRATION_LOCK})`.execute(trx);
      return work(trx);
    });
  }
  return database.db.connection().execute(async (conn) => {
    await sql`begin immediate`.execute(conn);
    try {
      const result = await work(conn);
      await sql`commit`.execute(conn);
      return result;
    } catch (error) {
      await sql`rollback`.execute(conn);
      throw error;
    }
  });
}

async function appliedVersions(db: Kysely<Schema>): Promise<Set<string>> {
  const rows = await db.selectFrom('schema_migrations').select('version').execute();
  return new Set(rows.map((r) => r.version));
}

/**
 * Applies the migrations not yet recorded, all in one transaction, and returns their versions.
 * `afterMigrations` runs inside the same transaction (first-start seeding uses it).
 */
export async function migrate(
  database: Database,
  afterMigrations?: (trx: Kysely<Schema>, applied: Set<string>) => Promise<void>,
): Promise<string[]> {
  return inExclusiveTransaction(database, async (trx) => {
    // Inside the lock: PostgreSQL's "if not exists" is not safe against a concurrent creator
    // (two instances starting at once on an empty database collide on pg_type).
    if (database.schema !== undefined) {
      await sql`create schema if not exists ${sql.id(database.schema)}`.execute(trx);
    }
    await sql`create table if not exists schema_migrations (version text primary key, applied_at bigint not null)`.execute(
      trx,
    );
    const applied = await appliedVersions(trx);
    const done: string[] = [];
    for (const migration of readMigrations()) {
      if (applied.has(migration.version)) continue;
      for (const statement of migration.statements) await sql.raw(statement).execute(trx);
      await trx
        .insertInto('schema_migrations')
        .values({ version: migration.version, applied_at: Date.now() })
        .execute();
      applied.add(migration.version);
      done.push(migration.version);
    }
    await afterMigrations?.(trx, applied);
    return done;
  });
}
