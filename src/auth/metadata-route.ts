import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';

export interface MetadataOptions {
  issuer: string;
  grantTypes: readonly string[];
  scopes: readonly string[];
  signingAlgorithms: readonly string[];
}

/** RFC 8414 authorization server metadata. */
export const metadataRoute: FastifyPluginAsyncTypebox<MetadataOptions> = async (app, options) => {
  const base = options.issuer.replace(/\/$/, '');
  const authMethods = ['client_secret_basic', 'client_secret_post'];
  const metadata = {
    issuer: options.issuer,
    token_endpoint: `${base}/auth/token`,
    jwks_uri: `${base}/.well-known/jwks.json`,
    revocation_endpoint: `${base}/auth/revoke`,
    introspection_endpoint: `${base}/auth/introspect`,
    scopes_supported: options.scopes,
    // No authorization endpoint: no response types (the member is required, RFC 8414 §2).
    response_types_supported: [],
    grant_types_supported: options.grantTypes,
    token_endpoint_auth_methods_supported: authMethods,
    revocation_endpoint_auth_methods_supported: authMethods,
    introspection_endpoint_auth_methods_supported: authMethods,
    // RFC 9068 access tokens are signed with these.
    access_token_signing_alg_values_supported: options.signingAlgorithms,
    service_documentation: `${base}/docs`,
  };
  const body = JSON.stringify(metadata);

  app.get(
    '/.well-known/oauth-authorization-server',
    { schema: { tags: ['oauth'], summary: 'Authorization server metadata (RFC 8414)' } },
    async (_request, reply) =>
      reply
        .header('cache-control', 'public, max-age=3600')
        .type('application/json; charset=utf-8')
        .send(body),
  );
};
