import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { ProblemError } from '../http/problem.js';
import type { AccessTokenClaims } from './access-token.js';
import { schemeAndCredentials } from './authorization-header.js';
import { InvalidTokenError, type TokenVerifier } from './verify-bearer.js';

/**
 * An onRequest hook (auth before the body is read or validated): calls `done()` to let the
 * request through, `done(error)` with a BearerError otherwise. Callback-style, so that a
 * token found in the verifier's cache is let through without a promise.
 */
export type RouteGuard = (
  request: FastifyRequest,
  reply: FastifyReply,
  done: (error?: Error) => void,
) => void;

declare module 'fastify' {
  interface FastifyInstance {
    /** An onRequest hook that lets a request through only with a live token holding `scope`. */
    requireScope(scope: string): RouteGuard;
    /** An onRequest hook that lets through any live token. */
    requireToken: RouteGuard;
  }
  interface FastifyRequest {
    /** The verified access-token claims, set by the bearer guard. */
    token: AccessTokenClaims | undefined;
  }
}

export interface BearerGuardOptions {
  verifier: TokenVerifier;
  realm: string;
  /** 401 by RFC 6750; 403 for clients of the original proposal (AUTH_FAILURE_STATUS). */
  failureStatus: 401 | 403;
  /** Extra checks on a verified token (do its client and user still exist?); throws to refuse. */
  checkSubject?: (claims: AccessTokenClaims) => Promise<void> | void;
  /** Told of each refusal, by RFC 6750 error code (for metrics). */
  onReject?: (reason: string) => void;
}

/** An RFC 6750 §3 failure: problem JSON plus the `WWW-Authenticate: Bearer` challenge. */
export class BearerError extends ProblemError {
  constructor(status: number, realm: string, challenge: Record<string, string>, detail: string) {
    const params = Object.entries({ realm, ...challenge }).map(([k, v]) => `${k}="${v}"`);
    super(status, detail, { 'www-authenticate': `Bearer ${params.join(', ')}` });
  }
}

const GUARDED_SCOPE = Symbol('guardedScope');
type Guard = RouteGuard & { [GUARDED_SCOPE]?: string };

export const bearerGuard = fp<BearerGuardOptions>(
  async (app: FastifyInstance, { verifier, realm, failureStatus, checkSubject, onReject }) => {
    const unauthorized = (challenge: Record<string, string>, detail: string) => {
      onReject?.(challenge.error ?? 'missing_token');
      return new BearerError(failureStatus, realm, challenge, detail);
    };

    const refuse = (error: unknown): never => {
      if (!(error instanceof InvalidTokenError)) throw error;
      throw unauthorized(
        { error: 'invalid_token', error_description: error.message },
        error.message,
      );
    };

    function bearerToken(request: FastifyRequest): string {
      const header = request.headers.authorization;
      if (header === undefined) {
        throw unauthorized({}, 'This route needs an access token: Authorization: Bearer <token>.');
      }
      // RFC 6750 §2.1: "Bearer" 1*SP b64token, the scheme in any case (RFC 9110 §11.1).
      const [scheme, credentials] = schemeAndCredentials(header);
      const token = credentials?.trim() ?? '';
      if (scheme.toLowerCase() !== 'bearer' || token === '') {
        throw unauthorized(
          { error: 'invalid_request' },
          'Send the token as Authorization: Bearer <token>.',
        );
      }
      return token;
    }

    // Whatever the subject check returns is awaited: a check that answers later must never be
    // skipped.
    const checked = (claims: AccessTokenClaims): AccessTokenClaims | Promise<AccessTokenClaims> => {
      const pending = checkSubject?.(claims);
      return pending === undefined ? claims : Promise.resolve(pending).then(() => claims);
    };

    /** The token's claims, at once when nothing had to wait (a cached token, no subject lookup). */
    function authenticate(request: FastifyRequest): AccessTokenClaims | Promise<AccessTokenClaims> {
      try {
        // The token's syntax is checked by the verifier, after its cache: a token found there
        // is byte for byte one that passed every check.
        const verified = verifier.verifyBearer(bearerToken(request));
        const claims = verified instanceof Promise ? verified.then(checked) : checked(verified);
        // Refusals thrown at once or later, by the verifier or the subject check, alike.
        return claims instanceof Promise ? claims.catch(refuse) : claims;
      } catch (error) {
        return refuse(error);
      }
    }

    /** A guard that lets through a request whose claims pass `admit`, which throws to refuse. */
    function guardOf(scope: string, admit: (claims: AccessTokenClaims) => void): Guard {
      const letThrough = (request: FastifyRequest, claims: AccessTokenClaims) => {
        admit(claims);
        request.token = claims;
      };
      const guard: Guard = (request, _reply, done) => {
        try {
          const claims = authenticate(request);
          if (claims instanceof Promise) {
            claims.then((c) => letThrough(request, c)).then(() => done(), done);
            return;
          }
          letThrough(request, claims);
        } catch (error) {
          done(error as Error);
          return;
        }
        done();
      };
      guard[GUARDED_SCOPE] = scope;
      return guard;
    }

    const requireScope = (scope: string): Guard =>
      guardOf(scope, (claims) => {
        if (claims.scope.split(' ').includes(scope)) return;
        onReject?.('insufficient_scope');
        throw new BearerError(
          403,
          realm,
          { error: 'insufficient_scope', scope },
          `This route needs the "${scope}" scope.`,
        );
      });
    const requireToken = guardOf('', () => {});

    app.decorateRequest('token', undefined);
    app.decorate('requireScope', requireScope);
    app.decorate('requireToken', requireToken);

    // Routes guarded here document it in OpenAPI without saying so themselves.
    app.addHook('onRoute', (route) => {
      const handlers = [route.onRequest].flat().filter(Boolean) as Guard[];
      const guard = handlers.find((h) => GUARDED_SCOPE in h);
      if (guard === undefined) return;
      const scope = guard[GUARDED_SCOPE] as string;
      route.schema = {
        ...route.schema,
        security: [{ oauth2: scope ? [scope] : [] }],
        response: {
          401: { $ref: 'Problem#', description: 'Missing, malformed, expired or revoked token' },
          403: { $ref: 'Problem#', description: 'The token lacks the needed scope' },
          ...(route.schema?.response as object | undefined),
        },
      };
    });
  },
  { name: 'bearer-guard' },
);
