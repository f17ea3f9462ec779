import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Type } from 'typebox';
import { registerFormBodyParser } from '../http/form-body.js';
import { addHooks } from '../http/hooks.js';
import { ProblemError } from '../http/problem.js';
import { limitBy } from '../http/rate-limit.js';
import { jwksRoute } from '../keys/jwks-route.js';
import type { KeyManager } from '../keys/key-manager.js';
import { startSigningThread } from '../keys/signing-thread.js';
import type { EventBus } from '../scale-out/event-bus.js';
import { userRoutes } from '../users/routes.js';
import type { UserService } from '../users/user-service.js';
import { type AccessTokenClaims, accessTokenIssuer } from './access-token.js';
import { adminRoutes } from './admin-routes.js';
import type { Audit } from './audit.js';
import { bearerGuard } from './bearer-guard.js';
import { claimedClientId, clientAuthenticator, FIRST_PARTY_CLIENT_ID } from './client-auth.js';
import { clientCredentialsGrant } from './client-credentials-grant.js';
import type { ClientService } from './client-service.js';
import { InvalidRequest, OAuthError } from './errors.js';
import { type LockoutPolicy, type LockoutStore, lockout } from './lockout.js';
import { metadataRoute } from './metadata-route.js';
import { passwordGrant } from './password-grant.js';
import { passwordLogin } from './password-login.js';
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
  /** Changes made on other instances, applied here within a second. */
  events: EventBus;
  lockoutStore: LockoutStore;
  lockoutPolicy: LockoutPolicy;
  limits: { windowMs: number; authPerIp: number; tokenPerClient: number };
  now: () => number;
  audit: Audit;
  /** Hooks for metrics: verified-token cache lookups and bearer refusals. */
  observe?: { tokenCache(hit: boolean): void; bearerRejected(reason: string): void };
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

    const signingThread = startSigningThread();
    app.addHook('onClose', () => signingThread.close());
    const issueAccessToken = accessTokenIssuer({
      keys,
      signingThread,
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
      ...(options.observe && { onLookup: options.observe.tokenCache }),
    });

    options.events.subscribe((event) => {
      switch (event.type) {
        case 'token.revoked':
          revocations.remember(event.jti, event.expiresAt);
          break;
        case 'keys.rotated':
          signingKeys
            .reload()
            .catch((error: unknown) => app.log.warn({ err: error }, 'keys reload failed'));
          break;
        case 'client.changed':
          clients.forgetClient(event.clientId);
          break;
        case 'user.disabled':
          verifier.forgetSubject(event.userId);
          break;
      }
    });

    const isUserToken = (claims: { sub: string; client_id: string }) =>
      claims.sub !== claims.client_id;
    const userStatus = async (userId: string) => {
      const user = await users.findUser(userId);
      if (user === undefined) return 'missing' as const;
      return user.disabled ? ('disabled' as const) : ('active' as const);
    };

    // A client's tokens, and its users' tokens, stop working once the client is deleted or
    // disabled, not at their exp: here at once, elsewhere when the client cache learns of it.
    const refuseGoneClient = (honoured: boolean) => {
      if (!honoured)
        throw new InvalidTokenError("The token's client has been deleted or disabled.");
    };
    // A user's tokens stop working the moment the account is disabled.
    const checkUser = async (claims: AccessTokenClaims) => {
      const status = await userStatus(claims.sub);
      if (status === 'missing') throw new InvalidTokenError('The token belongs to no user.');
      if (status === 'disabled') throw new ProblemError(403, 'account disabled');
    };
    // The built-in public client has no record to delete.
    const clientHonoured = (clientId: string) =>
      clientId === FIRST_PARTY_CLIENT_ID || clients.honoursTokensOf(clientId);
    // Synchronous while the client is in memory and the token is a client's own: most reads.
    function checkTokenHolder(claims: AccessTokenClaims): Promise<void> | undefined {
      const client = clientHonoured(claims.client_id);
      if (client instanceof Promise) {
        return client.then(refuseGoneClient).then(() => {
          if (isUserToken(claims)) return checkUser(claims);
        });
      }
      refuseGoneClient(client);
      return isUserToken(claims) ? checkUser(claims) : undefined;
    }
    const isGrantActive = async (sub: string, clientId: string) =>
      (await clientHonoured(clientId)) &&
      (sub === clientId || (await userStatus(sub)) === 'active');

    // One lockout for both kinds of credential; their keys never collide (client: / login:).
    const failures = lockout(options.lockoutStore, options.lockoutPolicy, now);
    const clientAuth = clientAuthenticator({ clients, realm, lockout: failures, audit });
    const checkPassword = passwordLogin({
      authenticateUser: users.authenticateUser,
      lockout: failures,
      audit,
    });
    const { windowMs } = options.limits;
    const perIp = limitBy(app, { max: options.limits.authPerIp, windowMs, group: 'auth-ip' });
    // Keyed on the client id the request names (before it is authenticated), so a runaway
    // client is slowed; the per-IP limit bounds what others can spend of its quota.
    const perClient = limitBy(app, {
      max: options.limits.tokenPerClient,
      windowMs,
      group: 'token-client',
      key: (request) => claimedClientId(request),
    });

    await app.register(bearerGuard, {
      verifier,
      realm,
      failureStatus: options.failureStatus,
      ...(options.observe && { onReject: options.observe.bearerRejected }),
      checkSubject: checkTokenHolder,
    });

    const grants = {
      client_credentials: clientCredentialsGrant({ clientAuth, issueAccessToken, audit }),
      password: passwordGrant({ clientAuth, checkPassword, issueUserTokens, audit }),
      refresh_token: refreshTokenGrant({
        clientAuth,
        refreshTokens,
        issueAccessToken,
        userStatus,
        audit,
      }),
    };

    await app.register(async (oauth) => {
      registerFormBodyParser(oauth);
      // Errors these routes did not throw themselves still answer in RFC 6749 §5.2 form;
      // too many requests is `slow_down` (RFC 8628 §3.5, registered for token responses).
      oauth.addHook('onRoute', (route) => {
        route.config = {
          ...route.config,
          renderClientError: (status, detail) =>
            status === 429
              ? new OAuthError('slow_down', 429, detail)
              : new InvalidRequest(detail, status),
        };
        addHooks(route, 'onRequest', perIp);
        if (route.url === '/auth/token') addHooks(route, 'preHandler', perClient);
      });
      await oauth.register(tokenRoute, { grants });
      await oauth.register(tokenManagementRoutes, {
        clientAuth,
        inspectToken: tokenInspector({ verifier, refreshTokens }),
        revocations,
        refreshTokens,
        usernameOf: async (userId) => (await users.findUser(userId))?.username,
        isGrantActive,
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
    await app.register(async (accounts) => {
      accounts.addHook('onRoute', (route) => {
        if (route.method === 'POST') addHooks(route, 'onRequest', perIp);
      });
      await accounts.register(userRoutes, {
        users,
        checkPassword,
        issueUserTokens,
        allowRegistration: options.allowRegistration,
        realm,
      });
    });
    await app.register(adminRoutes, { clients, users, signingKeys });

    app.get(
      '/protected',
      {
        onRequest: app.requireToken,
        schema: {
          tags: ['oauth'],
          summary: 'Any valid access token',
          // Also what makes the answer cheap: serialized from the schema, not JSON.stringify.
          response: {
            200: Type.Object({ message: Type.String(), sub: Type.String() }),
          },
        },
      },
      async (request) => ({
        message: 'protected resource',
        sub: (request.token as AccessTokenClaims).sub,
      }),
    );
  },
  { name: 'oauth-server' },
);
