import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { registerFormBodyParser } from '../http/form-body.js';
import { ProblemError } from '../http/problem.js';
import { jwksRoute } from '../keys/jwks-route.js';
import type { KeyManager } from '../keys/key-manager.js';
import { userRoutes } from '../users/routes.js';
import type { UserService } from '../users/user-service.js';
import { type AccessTokenClaims, accessTokenIssuer } from './access-token.js';
import { adminRoutes } from './admin-routes.js';
import type { Audit } from './audit.js';
import { bearerGuard } from './bearer-guard.js';
import { clientCredentialsGrant } from './client-credentials-grant.js';
import type { ClientService } from './client-service.js';
import { InvalidRequest } from './errors.js';
import { metadataRoute } from './metadata-route.js';
import { passwordGrant } from './password-grant.js';
import { refreshTokenGrant } from './refresh-token-grant.js';
import type { RefreshTokenService } from './refresh-tokens.js';
import type { RevocationList } from './revocation-list.js';
import { tokenInspector } from './token-inspection.js';
import { tokenManagementRoutes } from './token-management-routes.js';
import { tokenRoute } from './token-route.js';
import { userTokenIssuer } from './user-tokens.js';
import { InvalidTokenError, tokenVerifier } from './verify-bearer.js';

export interface OAuthServerOptions {
  issuer: string;
  audience: string;
  realm: string;
  accessTokenTtl: number;
  clockTolerance: number;
  failureStatus: 401 | 403;
  allowRegistration: boolean;
  scopes: readonly string[];
  clients: ClientService;
  users: UserService;
  refreshTokens: RefreshTokenService;
  signingKeys: KeyManager;
  revocations: RevocationList;
  now: () => number;
  audit: Audit;
}

/**
 * The whole authorization server as one plugin: token, revocation and introspection
 * endpoints, metadata, JWKS, users, and the `requireScope` guard it decorates the app with.
 * It knows nothing of the API it protects.
 */
export const oauthServer = fp<OAuthServerOptions>(
  async (app: FastifyInstance, options) => {
    const { clients, users, refreshTokens, signingKeys, revocations, realm, audit, now } = options;
    const keys = signingKeys.ring;

    const issueAccessToken = accessTokenIssuer({
      keys,
      issuer: options.issuer,
      audience: options.audience,
      ttlSeconds: options.accessTokenTtl,
      now,
    });
    const issueUserTokens = userTokenIssuer({ issueAccessToken, refreshTokens });
    const verifier = tokenVerifier({
      keys,
      reloadKeys: signingKeys.reloadForUnknownKid,
      issuer: options.issuer,
      audience: options.audience,
      clockToleranceSeconds: options.clockTolerance,
      now,
      isRevoked: revocations.isRevoked,
    });

    const isUserToken = (claims: { sub: string; client_id: string }) =>
      claims.sub !== claims.client_id;
    const userStatus = async (userId: string) => {
      const user = await users.findUser(userId);
      if (user === undefined) return 'missing' as const;
      return user.disabled ? ('disabled' as const) : ('active' as const);
    };

    await app.register(bearerGuard, {
      verifier,
      realm,
      failureStatus: options.failureStatus,
      // A user's tokens stop working the moment the account is disabled, not at their exp.
      async checkSubject(claims: AccessTokenClaims) {
        if (!isUserToken(claims)) return;
        const status = await userStatus(claims.sub);
        if (status === 'missing') throw new InvalidTokenError('The token belongs to no user.');
        if (status === 'disabled') throw new ProblemError(403, 'account disabled');
      },
    });

    const grants = {
      client_credentials: clientCredentialsGrant({ clients, issueAccessToken, realm }),
      password: passwordGrant({ clients, users, issueUserTokens, realm, audit }),
      refresh_token: refreshTokenGrant({
        clients,
        refreshTokens,
        issueAccessToken,
        userStatus,
        realm,
        audit,
      }),
    };

    await app.register(async (oauth) => {
      registerFormBodyParser(oauth);
      // Errors these routes did not throw themselves still answer in RFC 6749 §5.2 form.
      oauth.addHook('onRoute', (route) => {
        route.config = {
          ...route.config,
          renderClientError: (status, detail) => new InvalidRequest(detail, status),
        };
      });
      await oauth.register(tokenRoute, { grants });
      await oauth.register(tokenManagementRoutes, {
        clients,
        inspectToken: tokenInspector({ verifier, refreshTokens }),
        revocations,
        refreshTokens,
        usernameOf: async (userId) => (await users.findUser(userId))?.username,
        isSubjectActive: async (sub, clientId) =>
          sub === clientId || (await userStatus(sub)) === 'active',
        realm,
        audit,
      });
    });
    await app.register(metadataRoute, {
      issuer: options.issuer,
      grantTypes: Object.keys(grants),
      scopes: options.scopes,
      signingAlgorithms: keys().algorithms,
    });
    await app.register(jwksRoute, { keys });
    await app.register(userRoutes, {
      users,
      issueUserTokens,
      allowRegistration: options.allowRegistration,
      realm,
    });
    await app.register(adminRoutes, { clients, users, signingKeys });

    app.get(
      '/protected',
      {
        onRequest: app.requireToken,
        schema: { tags: ['oauth'], summary: 'Any valid access token' },
      },
      async (request) => ({
        message: 'protected resource',
        sub: (request.token as AccessTokenClaims).sub,
      }),
    );
  },
  { name: 'oauth-server' },
);
