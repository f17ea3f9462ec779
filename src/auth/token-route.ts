import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { NO_STORE, UnsupportedGrantType } from './errors.js';
import {
  OAuthErrorBody,
  type TokenParams,
  TokenRequest,
  TokenResponse,
  type TokenResponseBody,
} from './schemas.js';

export type GrantHandler = (
  params: TokenParams,
  request: FastifyRequest,
) => Promise<TokenResponseBody>;

export interface TokenRouteOptions {
  grants: Readonly<Record<string, GrantHandler>>;
}

/** POST /auth/token (RFC 6749 §3.2): dispatches on grant_type; grants throw OAuth errors. */
export const tokenRoute: FastifyPluginAsyncTypebox<TokenRouteOptions> = async (app, { grants }) => {
  app.post(
    '/auth/token',
    {
      schema: {
        tags: ['oauth'],
        summary: 'Token endpoint (client_credentials, password, refresh_token)',
        consumes: ['application/x-www-form-urlencoded', 'application/json'],
        body: TokenRequest,
        response: {
          200: TokenResponse,
          400: OAuthErrorBody,
          401: OAuthErrorBody,
          429: OAuthErrorBody,
        },
      },
    },
    async (request, reply) => {
      const { grant_type } = request.body;
      const grant = Object.hasOwn(grants, grant_type) ? grants[grant_type] : undefined;
      if (grant === undefined) {
        throw new UnsupportedGrantType(`Supported grant types: ${Object.keys(grants).join(', ')}.`);
      }
      const body = await grant(request.body, request);
      // Returned, not sent: an async handler that returns the reply has Fastify await the
      // reply itself, a stream listener on every response.
      reply.headers(NO_STORE);
      return body;
    },
  );
};
