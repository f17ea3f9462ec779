import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.js';

/**
 * Revoked access tokens by `jti`, each kept until its `exp` (RFC 7009 §2 for JWTs: the
 * token itself cannot be changed, so the server remembers it). Checked on every request
 * from memory; the database is the record every instance loads from.
 */
export async function startRevocationList(options: {
  db: Kysely<Schema>;
  now: () => number;
  refreshMs?: number;
  onError: (e: unknown) => void;
  /** Tells other instances at once; they also converge from the database within `refreshMs`. */
  onRevoked?: (jti: string, expiresAtMs: number) => void;
}) {
  const { db, now, onError } = options;
  let revoked = new Map<string, number>();

  async function load(): Promise<void> {
    const rows = await db
      .selectFrom('revoked_tokens')
      .select(['jti', 'expires_at'])
      .where('expires_at', '>', now())
      .execute();
    const next = new Map(rows.map((r) => [r.jti, r.expires_at]));
    // Keep what this process revoked meanwhile: a reload must never un-revoke.
    for (const [jti, exp] of revoked) if (exp > now()) next.set(jti, exp);
    revoked = next;
    await db.deleteFrom('revoked_tokens').where('expires_at', '<=', now()).execute();
  }

  await load();
  const timer = setInterval(() => load().catch(onError), options.refreshMs ?? 5_000);
  timer.unref();

  return {
    isRevoked: (jti: string): boolean => revoked.has(jti),
    /** Applies a revocation made elsewhere (another instance) to this process at once. */
    remember(jti: string, expiresAtMs: number): void {
      revoked.set(jti, expiresAtMs);
    },
    async revoke(jti: string, expiresAtMs: number): Promise<void> {
      revoked.set(jti, expiresAtMs);
      await db
        .insertInto('revoked_tokens')
        .values({ jti, expires_at: expiresAtMs })
        .onConflict((oc) => oc.doNothing())
        .execute();
      options.onRevoked?.(jti, expiresAtMs);
    },
    stop: () => clearInterval(timer),
  };
}

export type RevocationList = Awaited<ReturnType<typeof startRevocationList>>;
