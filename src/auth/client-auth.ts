import type { FastifyRequest } from 'fastify';
import type { Audit } from './audit.js';
import { schemeAndCredentials } from './authorization-header.js';
import type { OAuthClient } from './client-repository.js';
import type { ClientService } from './client-service.js';
import { InvalidClient, InvalidRequest } from './errors.js';
import type { Lockout } from './lockout.js';

export interface ClientCredentials {
  clientId: string;
  clientSecret: string | undefined;
  /** RFC 6749 §5.2: only a client that tried HTTP Basic gets a Basic challenge back. */
  usedBasic: boolean;
}

export interface ClientParams {
  client_id?: string | undefined;
  client_secret?: string | undefined;
}

// Server-generated ids and secrets (base64url) need no decoding: skip the work for them.
const formDecode = (s: string) =>
  s.includes('%') || s.includes('+') ? decodeURIComponent(s.replace(/\+/g, ' ')) : s;

function decodeBasic(value: string): { id: string; secret: string } {
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  // RFC 6749 §2.3.1: id and secret are form-urlencoded before being joined.
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value) || colon < 1) {
    throw new InvalidRequest('The Authorization: Basic header is malformed.');
  }
  try {
    return {
      id: formDecode(decoded.slice(0, colon)),
      secret: formDecode(decoded.slice(colon + 1)),
    };
  } catch {
    throw new InvalidRequest('The Authorization: Basic header is malformed.');
  }
}

/** Client credentials from HTTP Basic or the body; both at once is an invalid_request. */
export function readClientCredentials(
  request: FastifyRequest,
  params: ClientParams,
): ClientCredentials | undefined {
  const header = request.headers.authorization;
  if (header !== undefined) {
    const [scheme, value] = schemeAndCredentials(header);
    if (scheme.toLowerCase() !== 'basic' || value === undefined || value.includes(' ')) {
      throw new InvalidRequest(
        'Client authentication here uses Authorization: Basic, or client_id and client_secret in the body.',
      );
    }
    const basic = decodeBasic(value);
    if (params.client_secret !== undefined) {
      throw new InvalidRequest(
        'Use one client authentication method: Basic or client_secret in the body, not both.',
      );
    }
    if (params.client_id !== undefined && params.client_id !== basic.id) {
      throw new InvalidRequest(
        'client_id in the body differs from the one in the Authorization header.',
      );
    }
    return { clientId: basic.id, clientSecret: basic.secret, usedBasic: true };
  }
  if (params.client_id === undefined) {
    if (params.client_secret !== undefined)
      throw new InvalidRequest('client_secret was sent without client_id.');
    return undefined;
  }
  return { clientId: params.client_id, clientSecret: params.client_secret, usedBasic: false };
}

/**
 * The service's own public client (RFC 6749 §2.1): the compatibility login routes and
 * password-grant callers that send no client credentials act as this client. It has no
 * secret, and refresh tokens issued to it can only be used by it.
 */
export const FIRST_PARTY_CLIENT_ID = 'players-api-public';

export interface CallingClient {
  id: string;
  /** The scopes a confidential client may hold; undefined for the public client. */
  scopes: string[] | undefined;
}

export interface ClientAuthenticatorOptions {
  clients: ClientService;
  realm: string;
  lockout: Lockout;
  audit: Audit;
}

/**
 * Client authentication for every endpoint that takes it (token, revocation,
 * introspection), with the failure lockout on each: no endpoint is a way around it.
 */
export function clientAuthenticator({
  clients,
  realm,
  lockout,
  audit,
}: ClientAuthenticatorOptions) {
  /** The authenticated confidential client, or invalid_client (which says nothing of why). */
  async function authenticate(request: FastifyRequest, params: ClientParams): Promise<OAuthClient> {
    const credentials = readClientCredentials(request, params);
    if (credentials?.clientSecret === undefined) {
      throw new InvalidClient(realm, credentials?.usedBasic ?? false);
    }
    const key = `client:${credentials.clientId}:${request.ip}`;
    const hasFailures = await lockout.assertNotLocked(key);
    const client = await clients.authenticateClient(credentials.clientId, credentials.clientSecret);
    if (client === undefined) {
      const lockedFor = await lockout.recordFailure(key);
      audit('client.auth_failed', {
        clientId: credentials.clientId,
        ip: request.ip,
        url: request.routeOptions.url,
      });
      if (lockedFor !== undefined)
        audit('lockout', {
          kind: 'client',
          clientId: credentials.clientId,
          ip: request.ip,
          seconds: lockedFor,
        });
      throw new InvalidClient(realm, credentials.usedBasic);
    }
    if (hasFailures) await lockout.recordSuccess(key);
    return client;
  }

  return {
    authenticate,
    /**
     * A confidential client must authenticate (RFC 6749 §3.2.1); a caller with no
     * credentials, or naming only the public client's id, is the public first-party client.
     */
    async identify(request: FastifyRequest, params: ClientParams): Promise<CallingClient> {
      const credentials = readClientCredentials(request, params);
      if (
        credentials === undefined ||
        (credentials.clientSecret === undefined && credentials.clientId === FIRST_PARTY_CLIENT_ID)
      ) {
        return { id: FIRST_PARTY_CLIENT_ID, scopes: undefined };
      }
      const client = await authenticate(request, params);
      return { id: client.id, scopes: client.scopes };
    },
  };
}

export type ClientAuthenticator = ReturnType<typeof clientAuthenticator>;

/** The client id a token request names, authenticated or not (for per-client rate limits). */
export function claimedClientId(request: FastifyRequest): string | undefined {
  try {
    return readClientCredentials(request, (request.body ?? {}) as ClientParams)?.clientId;
  } catch {
    return undefined;
  }
}
