import type { Audit } from './audit.js';
import { identifyClient } from './client-auth.js';
import type { ClientService } from './client-service.js';
import { InvalidGrant, InvalidRequest } from './errors.js';
import { grantedScopes } from './scopes.js';
import type { GrantHandler } from './token-route.js';
import type { IssueUserTokens } from './user-tokens.js';

/** What the password grant needs of the users feature. */
export interface UserAuthenticator {
  authenticateUser(
    username: string,
    password: string,
  ): Promise<
    | { ok: true; user: { id: string; scopes: string[] } }
    | { ok: false; reason: 'invalid_credentials' | 'account_disabled' }
  >;
}

export const WRONG_CREDENTIALS = 'The username or password is wrong.';
export const ACCOUNT_DISABLED = 'The account is disabled.';

/** RFC 6749 §4.3: resource owner password credentials; answers with a refresh token too. */
export function passwordGrant(deps: {
  clients: ClientService;
  users: UserAuthenticator;
  issueUserTokens: IssueUserTokens;
  realm: string;
  audit: Audit;
}): GrantHandler {
  return async (params, request) => {
    const client = await identifyClient(request, params, deps.clients, deps.realm);
    if (!params.username || params.password === undefined) {
      throw new InvalidRequest('The password grant needs username and password.');
    }
    const login = await deps.users.authenticateUser(params.username, params.password);
    if (!login.ok) {
      deps.audit('login.failed', { reason: login.reason, clientId: client.id, ip: request.ip });
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
