import type { AccessTokenClaims } from './access-token.js';
import type { RefreshGrant, RefreshTokenService } from './refresh-tokens.js';
import { InvalidTokenError, type TokenVerifier } from './verify-bearer.js';

export type InspectedToken =
  | { kind: 'access_token'; clientId: string; claims: AccessTokenClaims }
  | {
      kind: 'refresh_token';
      clientId: string;
      grant: RefreshGrant;
      issuedAt: number;
      expiresAt: number;
    };

const LOOKS_LIKE_JWT = /^[\w-]+\.[\w-]+\.[\w-]+$/;

/**
 * What a presented token is, if it is one of ours and live: RFC 7009 §2.1 and RFC 7662 §2.1
 * let the hint speed the search up but not limit it.
 */
export function tokenInspector(deps: {
  verifier: TokenVerifier;
  refreshTokens: RefreshTokenService;
}) {
  async function asAccessToken(token: string): Promise<InspectedToken | undefined> {
    if (!LOOKS_LIKE_JWT.test(token)) return undefined;
    try {
      const claims = await deps.verifier.verifyBearer(token);
      return { kind: 'access_token', clientId: claims.client_id, claims };
    } catch (error) {
      if (error instanceof InvalidTokenError) return undefined;
      throw error;
    }
  }

  async function asRefreshToken(token: string): Promise<InspectedToken | undefined> {
    const found = await deps.refreshTokens.describeRefreshToken(token);
    return (
      found && {
        kind: 'refresh_token',
        clientId: found.clientId,
        grant: found,
        issuedAt: found.issuedAt,
        expiresAt: found.expiresAt,
      }
    );
  }

  return async function inspectToken(
    token: string,
    hint: string | undefined,
  ): Promise<InspectedToken | undefined> {
    const order =
      hint === 'refresh_token' ? [asRefreshToken, asAccessToken] : [asAccessToken, asRefreshToken];
    for (const attempt of order) {
      const found = await attempt(token);
      if (found !== undefined) return found;
    }
    return undefined;
  };
}

export type InspectToken = ReturnType<typeof tokenInspector>;
