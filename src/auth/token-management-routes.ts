import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Audit } from './audit.js';
import type { ClientAuthenticator } from './client-auth.js';
import { NO_STORE, UnauthorizedClient } from './errors.js';
import type { RefreshTokenService } from './refresh-tokens.js';
import type { RevocationList } from './revocation-list.js';
import { OAuthErrorBody } from './schemas.js';
import type { InspectToken } from './token-inspection.js';

export interface TokenManagementOptions {
  clientAuth: ClientAuthenticator;
  inspectToken: InspectToken;
  revocations: RevocationList;
  refreshTokens: RefreshTokenService;
  /** The username for a user token's `sub`, for introspection answers. */
  usernameOf: (userId: string) => Promise<string | undefined>;
  /** False when the token's user is disabled or gone, or its client deleted or disabled. */
  isGrantActive: (sub: string, clientId: string) => Promise<boolean>;
  audit: Audit;
}

const TokenParams = Type.Object(
  {
    token: Type.String({
      minLength: 1,
      maxLength: 16384,
      description: 'The access or refresh token',
    }),
    token_type_hint: Type.Optional(Type.String({ description: 'access_token or refresh_token' })),
    client_id: Type.Optional(Type.String()),
    client_secret: Type.Optional(Type.String()),
  },
  { additionalProperties: true },
);

const consumes = ['application/x-www-form-urlencoded', 'application/json'];

/** RFC 7009 revocation and RFC 7662 introspection. */
export const tokenManagementRoutes: FastifyPluginAsyncTypebox<TokenManagementOptions> = async (
  app,
  options,
) => {
  const { clientAuth, inspectToken, revocations, refreshTokens, audit } = options;

  app.post(
    '/auth/revoke',
    {
      schema: {
        tags: ['oauth'],
        summary: 'Revoke an access or refresh token (RFC 7009); 200 with an empty body',
        consumes,
        body: TokenParams,
        response: {
          200: Type.Literal('', {
            description: 'An empty body, whether the token was live or not (RFC 7009 §2.2)',
          }),
          400: OAuthErrorBody,
          401: OAuthErrorBody,
          429: OAuthErrorBody,
        },
      },
    },
    async (request, reply) => {
      const client = await clientAuth.identify(request, request.body);
      const found = await inspectToken(request.body.token, request.body.token_type_hint);
      // RFC 7009 §2.2: an invalid or unknown token is answered 200 like a revoked one.
      if (found !== undefined) {
        if (found.clientId !== client.id)
          throw new UnauthorizedClient('The token was not issued to this client.');
        if (found.kind === 'access_token') {
          await revocations.revoke(found.claims.jti, found.claims.exp * 1000);
        } else {
          await refreshTokens.revokeRefreshToken(request.body.token, client.id);
        }
        audit('token.revoked', { kind: found.kind, clientId: client.id });
      }
      return reply.headers(NO_STORE).code(200).send('');
    },
  );

  app.post(
    '/auth/introspect',
    {
      schema: {
        tags: ['oauth'],
        summary: 'Introspect a token (RFC 7662)',
        consumes,
        body: TokenParams,
        response: {
          200: Type.Object(
            {
              active: Type.Boolean(),
              scope: Type.Optional(Type.String()),
              client_id: Type.Optional(Type.String()),
              username: Type.Optional(Type.String()),
              token_type: Type.Optional(Type.String()),
              exp: Type.Optional(Type.Integer()),
              iat: Type.Optional(Type.Integer()),
              sub: Type.Optional(Type.String()),
              aud: Type.Optional(Type.Union([Type.String(), Type.Array(Type.String())])),
              iss: Type.Optional(Type.String()),
              jti: Type.Optional(Type.String()),
            },
            { additionalProperties: false },
          ),
          400: OAuthErrorBody,
          401: OAuthErrorBody,
          429: OAuthErrorBody,
        },
      },
    },
    async (request, reply) => {
      reply.headers(NO_STORE);
      // RFC 7662 §2.1: introspection needs an authenticated (confidential) client.
      const client = await clientAuth.authenticate(request, request.body);
      const found = await inspectToken(request.body.token, request.body.token_type_hint);
      // A client sees its own tokens; only the introspect scope sees everyone's.
      const mayLook =
        found !== undefined &&
        (found.clientId === client.id || client.scopes.includes('introspect'));
      if (!mayLook) return { active: false };
      if (found.kind === 'access_token') {
        const { claims } = found;
        if (!(await options.isGrantActive(claims.sub, claims.client_id))) return { active: false };
        const username =
          claims.sub === claims.client_id ? undefined : await options.usernameOf(claims.sub);
        return {
          active: true,
          token_type: 'Bearer',
          scope: claims.scope,
          client_id: claims.client_id,
          ...(username !== undefined && { username }),
          sub: claims.sub,
          aud: claims.aud,
          iss: claims.iss,
          jti: claims.jti,
          iat: claims.iat,
          exp: claims.exp,
        };
      }
      const { grant } = found;
      if (!(await options.isGrantActive(grant.userId, grant.clientId))) return { active: false };
      const username = await options.usernameOf(grant.userId);
      return {
        active: true,
        token_type: 'refresh_token',
        scope: grant.scopes.join(' '),
        client_id: grant.clientId,
        ...(username !== undefined && { username }),
        sub: grant.userId,
        iat: Math.floor(found.issuedAt / 1000),
        exp: Math.floor(found.expiresAt / 1000),
      };
    },
  );
};
