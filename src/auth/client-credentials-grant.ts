import type { IssueAccessToken } from './access-token.js';
import type { Audit } from './audit.js';
import type { ClientAuthenticator } from './client-auth.js';
import { grantedScopes } from './scopes.js';
import type { GrantHandler } from './token-route.js';

/** RFC 6749 §4.4: a confidential client gets a token for itself; no refresh token (§4.4.3). */
export function clientCredentialsGrant(deps: {
  clientAuth: ClientAuthenticator;
  issueAccessToken: IssueAccessToken;
  audit: Audit;
}): GrantHandler {
  return async (params, request) => {
    const client = await deps.clientAuth.authenticate(request, params);
    const scopes = grantedScopes(params.scope, client.scopes);
    const { token, expiresIn } = await deps.issueAccessToken({
      subject: client.id,
      clientId: client.id,
      scopes,
    });
    deps.audit('token.issued', { grant: 'client_credentials', clientId: client.id });
    return {
      access_token: token,
      token_type: 'bearer',
      expires_in: expiresIn,
      scope: scopes.join(' '),
    };
  };
}
