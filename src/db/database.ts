import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import type SQLiteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, type SqliteDatabase, SqliteDialect, sql } from 'kysely';
import type PG from 'pg';
import { groupCommit, type RunWrite } from './group-commit.js';
import type { Schema } from './schema.js';

// Each driver is loaded only when its dialect is used: a SQLite start does not pay for pg.
const require = createRequire(import.meta.url);

export type DialectName = 'sqlite' | 'postgres';

export interface Database {
  readonly db: Kysely<Schema>;
  readonly dialect: DialectName;
  /** PostgreSQL schema named by `?schema=` in the URL, made on first migration. */
  readonly schema: string | undefined;
  /**
   * Runs a write that must be durable when it resolves: grouped into shared commits on
   * SQLite (see group-commit.ts), as is on PostgreSQL, whose commits do not hold the process.
   */
  readonly write: RunWrite;
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

const INT8_OID = 20;

/**
 * The SQLite drivers this Node may load, preferred first. better-sqlite3 12 wraps its
 * objects in `node::ObjectWrap`, which Node 24.19 and later abort the process on when a
 * statement built against their headers is garbage-collected (nodejs/node#65446); 13 is
 * built on Node-API instead, but crashes on Node 20. Both are optional dependencies, each
 * installed only on the Nodes its `engines` names: where 13 could not be built, 12 (then
 * a prebuilt binary, made against older headers) serves.
 */
export const SQLITE_DRIVERS: readonly string[] =
  Number(process.versions.node.split('.')[0]) >= 22
    ? ['better-sqlite3-napi', 'better-sqlite3']
    : ['better-sqlite3'];

const isModuleNotFound = (error: unknown) =>
  (error as { code?: unknown } | null)?.code === 'MODULE_NOT_FOUND';

/** The first of the SQLite drivers that loads; when none does, one line that says why. */
export function loadSqliteDriver(names: readonly string[] = SQLITE_DRIVERS): typeof SQLiteDatabase {
  const reasons: string[] = [];
  for (const name of names) {
    try {
      return require(name) as typeof SQLiteDatabase;
    } catch (error) {
      if (!isModuleNotFound(error)) throw error;
      reasons.push(`${name} is not installed`);
    }
  }
  throw new Error(
    `DATABASE_URL is sqlite:, but no SQLite driver could be loaded (${reasons.join('; ')}). ` +
      '`npm ci` builds it from source where no prebuilt binary fits, which needs python3, make and g++.',
  );
}

/** The SQLite file of a `sqlite:<path>` URL, or `:memory:`. */
export function sqlitePath(url: string): string {
  const path = url.slice('sqlite:'.length);
  return path === ':memory:' ? path : resolve(path);
}

const WAL_SWITCH_WAIT_MS = 5000;

/**
 * Switches the connection to WAL, which the first connection to a new file does for it.
 * Processes that open a new file at once can deadlock in that switch, and SQLite then
 * answers SQLITE_BUSY at once instead of waiting out busy_timeout
 * (https://www.sqlite.org/c3ref/busy_handler.html): CI saw it once, four `migrate` runs
 * at once on Node 26. So a busy answer is retried, after a short random pause, for up to
 * WAL_SWITCH_WAIT_MS; the pause blocks, as opening the file does.
 */
export function switchToWal(connection: Pick<SQLiteDatabase.Database, 'pragma'>): void {
  const deadline = Date.now() + WAL_SWITCH_WAIT_MS;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    try {
      connection.pragma('journal_mode = WAL');
      return;
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'SQLITE_BUSY' || Date.now() > deadline) {
        throw error;
      }
    }
    Atomics.wait(pause, 0, 0, 5 + Math.random() * 45);
  }
}

const STATEMENTS_KEPT = 256;

/**
 * The connection as Kysely sees it, with its prepared statements kept for reuse (the most
 * recently used STATEMENTS_KEPT): Kysely prepares every query anew. With better-sqlite3 13
 * (Node 22 and later) a statement is a native object freed only when the garbage collector
 * gets to it. The bench on Node 22 with 13, preparing anew: RSS 196 MB after the run,
 * create + delete at 2.88x FastAPI's rate; reusing: 154 MB and 3.81x (with 12, preparing
 * anew: 137 MB and 3.51x).
 */
export function reusingStatements(connection: SqliteDatabase): SqliteDatabase {
  const statements = new Map<string, ReturnType<SqliteDatabase['prepare']>>();
  return {
    prepare(query) {
      let statement = statements.get(query);
      if (statement !== undefined) {
        statements.delete(query);
      } else {
        statement = connection.prepare(query);
        if (statements.size >= STATEMENTS_KEPT) {
          statements.delete(statements.keys().next().value as string);
        }
      }
      statements.set(query, statement);
      return statement;
    },
    close: () => connection.close(),
  };
}

function openSqlite(url: string): Kysely<Schema> {
  const path = sqlitePath(url);
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const SQLite = loadSqliteDriver();
  const connection = new SQLite(path);
  switchToWal(connection);
  // FULL: an acknowledged write survives a power cut, not only a process crash.
  connection.pragma('synchronous = FULL');
  connection.pragma('foreign_keys = ON');
  connection.pragma('busy_timeout = 5000');
  return new Kysely<Schema>({
    dialect: new SqliteDialect({ database: reusingStatements(connection) }),
  });
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Splits `?schema=name` off a PostgreSQL URL: pg itself does not know that parameter. */
export function postgresSchema(url: string): {
  connectionString: string;
  schema: string | undefined;
} {
  const parsed = new URL(url);
  const schema = parsed.searchParams.get('schema') ?? undefined;
  parsed.searchParams.delete('schema');
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    throw new Error(`DATABASE_URL schema "${schema}" must be lower-case letters, digits and _`);
  }
  return { connectionString: parsed.toString(), schema };
}

function openPostgres(url: string): Kysely<Schema> {
  const { connectionString, schema } = postgresSchema(url);
  const pg = require('pg') as typeof PG;
  const pool = new pg.Pool({
    connectionString,
    ...(schema !== undefined && { options: `-c search_path=${schema}` }),
    max: 10,
    connectionTimeoutMillis: 5000,
    // Timestamps are BIGINT epoch milliseconds, well inside Number's exact range.
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8_OID
          ? (value: string) => Number(value)
          : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
    },
  });
  // A connection losing its server, idle or mid-query, must not crash the process: the
  // query in flight fails (answered 503) and the pool connects afresh for the next one.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  return new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
}

export function openDatabase(url: string): Database {
  const dialect: DialectName = url.startsWith('sqlite:') ? 'sqlite' : 'postgres';
  const db = dialect === 'sqlite' ? openSqlite(url) : openPostgres(url);
  return {
    db,
    dialect,
    schema: dialect === 'postgres' ? postgresSchema(url).schema : undefined,
    write: dialect === 'sqlite' ? groupCommit(db) : (work) => work(db),
    async ping() {
      await sql`select 1`.execute(db);
    },
    close: () => db.destroy(),
  };
}
