import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { KeyRing } from './key-ring.js';

export interface JwksOptions {
  keys: () => KeyRing;
}

/** RFC 7517 public key set. Short caching: after a rotation, verifiers see the new key soon. */
export const jwksRoute: FastifyPluginAsyncTypebox<JwksOptions> = async (app, { keys }) => {
  app.get(
    '/.well-known/jwks.json',
    { schema: { tags: ['oauth'], summary: 'Public signing keys (JWKS)' } },
    async (_request, reply) =>
      reply
        .header('cache-control', 'public, max-age=300')
        .type('application/jwk-set+json; charset=utf-8')
        .send(JSON.stringify(keys().jwks())),
  );
};
