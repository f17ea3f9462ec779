import { randomBytes, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { RefreshTokensTable, Schema } from '../db/schema.js';
import { deriveKey, type SecretKeys } from '../keys/secret-key.js';
import type { Audit } from './audit.js';
import { hmacSha256, type Mac } from './hmac-sha256.js';

export interface RefreshGrant {
  userId: string;
  clientId: string;
  scopes: string[];
  familyId: string;
}

export type RefreshOutcome =
  | { ok: true; grant: RefreshGrant; token: string }
  | { ok: false; reason: 'unknown' | 'expired' | 'revoked' | 'reused' | 'wrong_client' };

export interface RefreshTokenOptions {
  db: Kysely<Schema>;
  secrets: SecretKeys;
  ttlSeconds: number;
  /** REFRESH_REUSE_GRACE: a used token may be retried this long without killing its family. */
  reuseGraceSeconds: number;
  now: () => number;
  audit: Audit;
}

/**
 * Opaque refresh tokens (256 random bits) kept as HMAC digests, in families: each use
 * retires the token and issues its successor; a retired token used again revokes the family
 * (OAuth 2.0 Security BCP, RFC 9700 §4.14.2).
 */
export function refreshTokenService(options: RefreshTokenOptions) {
  const { db, secrets, ttlSeconds, reuseGraceSeconds, now, audit } = options;
  const macs = [secrets.current, secrets.previous]
    .filter((s): s is string => s !== undefined)
    .map((s) => hmacSha256(deriveKey(s, 'refresh-token-digest')));
  const digestWith = (mac: Mac, token: string) => mac(token).toString('base64url');

  async function insert(trx: Kysely<Schema>, grant: RefreshGrant): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    const at = now();
    await trx
      .insertInto('refresh_tokens')
      .values({
        id: randomUUID(),
        digest: digestWith(macs[0] as Mac, token),
        family_id: grant.familyId,
        user_id: grant.userId,
        client_id: grant.clientId,
        scopes: grant.scopes.join(' '),
        status: 'active',
        created_at: at,
        expires_at: at + ttlSeconds * 1000,
        used_at: null,
      })
      .execute();
    return token;
  }

  async function find(token: string) {
    if (token.length > 256) return undefined;
    for (const mac of macs) {
      const row = await db
        .selectFrom('refresh_tokens')
        .selectAll()
        .where('digest', '=', digestWith(mac, token))
        .executeTakeFirst();
      if (row !== undefined) return row;
    }
    return undefined;
  }

  const grantOf = (row: RefreshTokensTable): RefreshGrant => ({
    userId: row.user_id,
    clientId: row.client_id,
    scopes: row.scopes.split(' ').filter(Boolean),
    familyId: row.family_id,
  });

  async function revokeFamily(familyId: string): Promise<void> {
    await db
      .updateTable('refresh_tokens')
      .set({ status: 'revoked' })
      .where('family_id', '=', familyId)
      .execute();
  }

  return {
    /** A new family for a fresh login. */
    issueRefreshToken: (grant: Omit<RefreshGrant, 'familyId'>) =>
      insert(db, { ...grant, familyId: randomUUID() }),

    /**
     * Exchanges a token for its successor, exactly once: the retire step is a compare-and-set.
     * `check` runs before anything changes; what it throws leaves the token usable.
     */
    async rotateRefreshToken(
      token: string,
      clientId: string,
      check: (grant: RefreshGrant) => Promise<void>,
    ): Promise<RefreshOutcome> {
      const row = await find(token);
      if (row === undefined) return { ok: false, reason: 'unknown' };
      if (row.client_id !== clientId) return { ok: false, reason: 'wrong_client' };
      if (row.status === 'revoked') return { ok: false, reason: 'revoked' };
      if (row.expires_at <= now()) return { ok: false, reason: 'expired' };
      const grant = grantOf(row);
      await check(grant);
      const successor = await db.transaction().execute(async (trx) => {
        const retired = await trx
          .updateTable('refresh_tokens')
          .set({ status: 'used', used_at: now() })
          .where('id', '=', row.id)
          .where('status', '=', 'active')
          .executeTakeFirst();
        return retired.numUpdatedRows === 1n ? insert(trx, grant) : undefined;
      });
      if (successor !== undefined) return { ok: true, grant, token: successor };

      // Lost the compare-and-set: the token was used before (or just now, concurrently).
      const current = await db
        .selectFrom('refresh_tokens')
        .select(['status', 'used_at'])
        .where('id', '=', row.id)
        .executeTakeFirst();
      const withinGrace =
        reuseGraceSeconds > 0 &&
        current?.status === 'used' &&
        current.used_at !== null &&
        now() - current.used_at < reuseGraceSeconds * 1000;
      if (withinGrace) return { ok: true, grant, token: await insert(db, grant) };
      await revokeFamily(row.family_id);
      audit('refresh_token.reuse_detected', {
        familyId: row.family_id,
        userId: row.user_id,
        clientId,
      });
      return { ok: false, reason: 'reused' };
    },

    /** RFC 7009 for refresh tokens: the whole family goes. Returns the owning client, if any. */
    async revokeRefreshToken(
      token: string,
      clientId: string,
    ): Promise<'revoked' | 'not_found' | 'wrong_client'> {
      const row = await find(token);
      if (row === undefined) return 'not_found';
      if (row.client_id !== clientId) return 'wrong_client';
      await revokeFamily(row.family_id);
      return 'revoked';
    },

    /** RFC 7662 view of a refresh token: its grant while it is live. */
    async describeRefreshToken(token: string) {
      const row = await find(token);
      if (row === undefined || row.status !== 'active' || row.expires_at <= now()) return undefined;
      return { ...grantOf(row), issuedAt: row.created_at, expiresAt: row.expires_at };
    },

    async revokeUserTokens(userId: string): Promise<void> {
      await db
        .updateTable('refresh_tokens')
        .set({ status: 'revoked' })
        .where('user_id', '=', userId)
        .execute();
    },
  };
}

export type RefreshTokenService = ReturnType<typeof refreshTokenService>;
