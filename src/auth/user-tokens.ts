import type { IssueAccessToken } from './access-token.js';
import type { RefreshTokenService } from './refresh-tokens.js';
import type { TokenResponseBody } from './schemas.js';

export interface UserTokenRequest {
  userId: string;
  clientId: string;
  scopes: string[];
}

/** A login's answer: an access token and the first refresh token of a new family. */
export function userTokenIssuer(deps: {
  issueAccessToken: IssueAccessToken;
  refreshTokens: RefreshTokenService;
}) {
  return async function issueUserTokens(
    request: UserTokenRequest,
  ): Promise<Required<TokenResponseBody>> {
    const { token, expiresIn } = await deps.issueAccessToken({
      subject: request.userId,
      clientId: request.clientId,
      scopes: request.scopes,
    });
    return {
      access_token: token,
      token_type: 'bearer',
      expires_in: expiresIn,
      scope: request.scopes.join(' '),
      refresh_token: await deps.refreshTokens.issueRefreshToken(request),
    };
  };
}

export type IssueUserTokens = ReturnType<typeof userTokenIssuer>;
