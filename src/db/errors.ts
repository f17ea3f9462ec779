/** The driver's error code (better-sqlite3's SQLITE_*, PostgreSQL's SQLSTATE, Node's E*). */
function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

const SQLITE_UNIQUE = new Set(['SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CONSTRAINT_PRIMARYKEY']);
const PG_UNIQUE_VIOLATION = '23505';

/** True when a write failed on a unique or primary-key constraint, in either dialect. */
export function isUniqueViolation(error: unknown): boolean {
  const code = codeOf(error);
  return code !== undefined && (SQLITE_UNIQUE.has(code) || code === PG_UNIQUE_VIOLATION);
}

// PostgreSQL's character_not_in_repertoire (a U+0000 in text) and untranslatable_character.
const PG_UNSTORABLE_TEXT = new Set(['22021', '22P05']);

/**
 * True when a query failed on text the database cannot hold: the request's fault, answered
 * 400. Input is checked before it gets here; this catches what a check missed.
 */
export function isUnstorableText(error: unknown): boolean {
  const code = codeOf(error);
  return code !== undefined && PG_UNSTORABLE_TEXT.has(code);
}

// Connection-level failures: the database is down or unreachable, not the query wrong.
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
  'SQLITE_IOERR',
  'SQLITE_CANTOPEN',
  'SQLITE_FULL',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  '53300', // too_many_connections
]);

/** True when an error means "the database cannot answer now" (answered 503, not 500). */
export function isDatabaseUnavailable(error: unknown): boolean {
  const code = codeOf(error);
  if (code !== undefined && UNAVAILABLE_CODES.has(code)) return true;
  const { message } = (error ?? {}) as { message?: unknown };
  return (
    typeof message === 'string' &&
    /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|connection is closed/i.test(
      message,
    )
  );
}
