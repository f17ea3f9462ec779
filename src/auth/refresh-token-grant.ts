import type { IssueAccessToken } from './access-token.js';
import type { Audit } from './audit.js';
import type { ClientAuthenticator } from './client-auth.js';
import { InvalidGrant, InvalidRequest } from './errors.js';
import type { RefreshTokenService } from './refresh-tokens.js';
import { grantedScopes } from './scopes.js';
import type { GrantHandler } from './token-route.js';

/** What the refresh grant needs to know of a token's user. */
export type UserStatus = (userId: string) => Promise<'active' | 'disabled' | 'missing'>;

/** RFC 6749 §6 with rotation: every use returns a new pair; a narrower scope is honoured. */
export function refreshTokenGrant(deps: {
  clientAuth: ClientAuthenticator;
  refreshTokens: RefreshTokenService;
  issueAccessToken: IssueAccessToken;
  userStatus: UserStatus;
  audit: Audit;
}): GrantHandler {
  return async (params, request) => {
    const client = await deps.clientAuth.identify(request, params);
    if (!params.refresh_token)
      throw new InvalidRequest('The refresh_token grant needs refresh_token.');
    let scopes: string[] = [];
    const outcome = await deps.refreshTokens.rotateRefreshToken(
      params.refresh_token,
      client.id,
      async (grant) => {
        // Checked before the token is spent, so a bad scope leaves it usable.
        scopes = grantedScopes(params.scope, grant.scopes);
        if ((await deps.userStatus(grant.userId)) !== 'active') {
          throw new InvalidGrant('The refresh token is invalid, expired or revoked.');
        }
      },
    );
    if (!outcome.ok) {
      deps.audit('refresh.failed', { reason: outcome.reason, clientId: client.id, ip: request.ip });
      throw new InvalidGrant('The refresh token is invalid, expired or revoked.');
    }
    const { token, expiresIn } = await deps.issueAccessToken({
      subject: outcome.grant.userId,
      clientId: client.id,
      scopes,
    });
    deps.audit('token.issued', {
      grant: 'refresh_token',
      userId: outcome.grant.userId,
      clientId: client.id,
    });
    return {
      access_token: token,
      token_type: 'bearer',
      expires_in: expiresIn,
      scope: scopes.join(' '),
      refresh_token: outcome.token,
    };
  };
}
