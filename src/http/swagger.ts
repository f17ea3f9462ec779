import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { HTML_PAGE_HEADERS, securityHeaders } from './security-headers.js';

export interface SwaggerOptions {
  scopes: Readonly<Record<string, string>>;
}

/**
 * OpenAPI generated from the route schemas (nothing hand-written), served at /openapi.json,
 * and Swagger UI at /docs from the package's own assets: no CDN, works offline.
 */
export const swaggerDocs = fp<SwaggerOptions>(
  async (app: FastifyInstance, { scopes }) => {
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'Players API',
          version: '0.1.0',
          description:
            'Football squad CRUD protected by its own OAuth 2.0 authorization server (RFC 6749, 6750, 7009, 7662, 8414, 9068). Use Authorize to get a token.',
        },
        components: {
          securitySchemes: {
            oauth2: {
              type: 'oauth2',
              flows: {
                clientCredentials: { tokenUrl: '/auth/token', scopes },
                password: { tokenUrl: '/auth/token', refreshUrl: '/auth/token', scopes },
              },
            },
          },
        },
      },
      refResolver: {
        buildLocalReference: (json, _baseUri, _fragment, i) =>
          (json.$id as string | undefined) ?? `def-${i}`,
      },
    });
    // The pages are HTML: on top of the API's headers, helmet's for a browser page.
    const pageHeaders = securityHeaders(HTML_PAGE_HEADERS);
    await app.register(async (pages) => {
      pages.addHook('onRequest', (_request, reply, done) => {
        reply.headers(pageHeaders);
        done();
      });
      await pages.register(swaggerUi, {
        routePrefix: '/docs',
        staticCSP: true,
        uiConfig: { persistAuthorization: false, tryItOutEnabled: true },
      });
    });
    app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  },
  { name: 'swagger-docs' },
);
