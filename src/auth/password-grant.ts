import type { Audit } from './audit.js';
import type { ClientAuthenticator } from './client-auth.js';
import { InvalidGrant, InvalidRequest } from './errors.js';
import type { CheckPassword } from './password-login.js';
import { grantedScopes } from './scopes.js';
import type { GrantHandler } from './token-route.js';
import type { IssueUserTokens } from './user-tokens.js';

export const WRONG_CREDENTIALS = 'The username or password is wrong.';
export const ACCOUNT_DISABLED = 'The account is disabled.';

/** RFC 6749 §4.3: resource owner password credentials; answers with a refresh token too. */
export function passwordGrant(deps: {
  clientAuth: ClientAuthenticator;
  checkPassword: CheckPassword;
  issueUserTokens: IssueUserTokens;
  audit: Audit;
}): GrantHandler {
  return async (params, request) => {
    const client = await deps.clientAuth.identify(request, params);
    if (!params.username || params.password === undefined) {
      throw new InvalidRequest('The password grant needs username and password.');
    }
    const login = await deps.checkPassword(params.username, params.password, request.ip);
    if (!login.ok) {
      throw new InvalidGrant(
        login.reason === 'account_disabled' ? ACCOUNT_DISABLED : WRONG_CREDENTIALS,
      );
    }
    const allowed = login.user.scopes.filter(
      (s) => client.scopes === undefined || client.scopes.includes(s),
    );
    const scopes = grantedScopes(params.scope, allowed);
    deps.audit('token.issued', { grant: 'password', userId: login.user.id, clientId: client.id });
    return deps.issueUserTokens({ userId: login.user.id, clientId: client.id, scopes });
  };
}
