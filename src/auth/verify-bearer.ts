import { errors as joseErrors, jwtVerify } from 'jose';
import type { KeyRing } from '../keys/key-ring.js';
import type { AccessTokenClaims } from './access-token.js';

/** A token that must not be honoured; `description` is safe to send (RFC 6750 §3). */
export class InvalidTokenError extends Error {
  override name = 'InvalidTokenError';
}

const MAX_TOKEN_LENGTH = 8192;
const B64URL_SEGMENT = /^[A-Za-z0-9_-]+$/;
// RFC 8725 §3.8 / RFC 7515 §4.1: headers naming a key are attacker-controlled; we accept none.
const KEY_REFERENCE_HEADERS = ['jku', 'jwk', 'x5u', 'x5c', 'x5t', 'x5t#S256'] as const;
const AT_JWT = /^(application\/)?at\+jwt$/i;

/**
 * The cache is keyed on the signature's last 32 characters (192 bits), not the whole token:
 * each request brings the token as a new string, which V8 hashes in full to look it up
 * (0.6 µs for a 458-character token, 3% of a protected read, by perf). A hit counts only
 * when the whole token matches, so a forged token sharing the tail is verified, and refused.
 */
const cacheKey = (token: string) => token.slice(-32);

export interface TokenVerifierOptions {
  keys: () => KeyRing;
  /** Reloads the ring when a token names a kid this process has not seen (throttled by caller). */
  reloadKeys: () => Promise<boolean>;
  issuer: string;
  audience: string;
  clockToleranceSeconds: number;
  now: () => number;
  isRevoked: (jti: string) => boolean;
  cacheSize?: number;
  /** Told of each cache lookup (for the hit-ratio metric). */
  onLookup?: (hit: boolean) => void;
}

/** What a full verification established about a token. */
interface Verified {
  claims: AccessTokenClaims;
  expiresAtMs: number;
  kid: string;
}

interface CachedToken extends Verified {
  token: string;
}

function decodeHeader(segment: string): Record<string, unknown> {
  try {
    const header: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    if (header !== null && typeof header === 'object' && !Array.isArray(header)) {
      return header as Record<string, unknown>;
    }
  } catch {}
  throw new InvalidTokenError('The token is malformed.');
}

function describeJoseError(error: unknown): string {
  if (error instanceof joseErrors.JWTExpired) return 'The token has expired.';
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    switch (error.claim) {
      case 'iss':
        return 'The token was issued by another issuer.';
      case 'aud':
        return 'The token is meant for another audience.';
      case 'nbf':
        return 'The token is not valid yet.';
      case 'iat':
        return 'The token was issued in the future.';
      case 'typ':
        return 'The token is not an access token (typ must be at+jwt).';
      default:
        return `The token's ${error.claim} claim is missing or invalid.`;
    }
  }
  if (error instanceof joseErrors.JWSSignatureVerificationFailed)
    return 'The token signature is invalid.';
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return 'The token algorithm is not accepted.';
  return 'The token is malformed.';
}

/**
 * RFC 8725 verification of our access tokens with a bounded cache of verified ones, so a
 * repeat bearer costs a map lookup plus the expiry and revocation checks that must run
 * on every request.
 */
export function tokenVerifier(options: TokenVerifierOptions) {
  const { keys, reloadKeys, issuer, audience, clockToleranceSeconds, now, isRevoked } = options;
  const cacheSize = options.cacheSize ?? 10_000;
  const toleranceMs = clockToleranceSeconds * 1000;
  const cache = new Map<string, CachedToken>();

  function remember(token: string, verified: Verified): void {
    if (cache.size >= cacheSize) {
      // Maps iterate in insertion order: drop the oldest entry.
      const oldest = cache.keys().next();
      if (!oldest.done) cache.delete(oldest.value);
    }
    cache.set(cacheKey(token), { token, ...verified });
  }

  function checkLive(claims: AccessTokenClaims, expiresAtMs: number): AccessTokenClaims {
    if (now() >= expiresAtMs + toleranceMs) throw new InvalidTokenError('The token has expired.');
    if (isRevoked(claims.jti)) throw new InvalidTokenError('The token has been revoked.');
    return claims;
  }

  async function keyFor(header: Record<string, unknown>) {
    const { kid, alg } = header;
    if (typeof kid !== 'string' || kid === '')
      throw new InvalidTokenError('The token has no key id (kid).');
    let key = keys().verificationKey(kid);
    if (key === undefined && (await reloadKeys())) key = keys().verificationKey(kid);
    // An unknown kid is a rejection, never a fall-back to some other key.
    if (key === undefined) throw new InvalidTokenError('The token was signed by an unknown key.');
    if (alg !== key.alg) throw new InvalidTokenError('The token algorithm is not accepted.');
    return key;
  }

  async function verifyUncached(token: string): Promise<Verified> {
    if (token.length > MAX_TOKEN_LENGTH) throw new InvalidTokenError('The token is too long.');
    const segments = token.split('.');
    if (segments.length !== 3 || !segments.every((s) => B64URL_SEGMENT.test(s))) {
      throw new InvalidTokenError('The token is malformed.');
    }
    const header = decodeHeader(segments[0] as string);
    if (typeof header.alg !== 'string' || !keys().algorithms.includes(header.alg as never)) {
      throw new InvalidTokenError('The token algorithm is not accepted.');
    }
    if (typeof header.typ !== 'string' || !AT_JWT.test(header.typ)) {
      throw new InvalidTokenError('The token is not an access token (typ must be at+jwt).');
    }
    if (KEY_REFERENCE_HEADERS.some((name) => name in header)) {
      throw new InvalidTokenError('The token names its own key; that is never trusted.');
    }
    // RFC 7515 §4.1.11: we understand no extensions, so any crit header is a rejection.
    if ('crit' in header)
      throw new InvalidTokenError('The token has critical headers this server does not support.');
    const key = await keyFor(header);
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(token, key.key, {
        algorithms: [key.alg],
        issuer,
        audience,
        typ: 'at+jwt',
        clockTolerance: clockToleranceSeconds,
        currentDate: new Date(now()),
        requiredClaims: ['iss', 'aud', 'exp', 'iat', 'sub', 'jti', 'client_id'],
      }));
    } catch (error) {
      throw new InvalidTokenError(describeJoseError(error));
    }
    const { iat, sub, jti, client_id, scope } = payload;
    if (typeof sub !== 'string' || typeof jti !== 'string' || typeof client_id !== 'string') {
      throw new InvalidTokenError('The token has invalid claims.');
    }
    if (scope !== undefined && typeof scope !== 'string') {
      throw new InvalidTokenError('The token scope claim must be a string.');
    }
    if (typeof iat !== 'number' || iat * 1000 > now() + toleranceMs) {
      throw new InvalidTokenError('The token was issued in the future.');
    }
    // RFC 9068 §2.2.3: scope is optional; a token without one holds no scope.
    const claims = { ...payload, scope: scope ?? '' } as unknown as AccessTokenClaims;
    return { claims, expiresAtMs: claims.exp * 1000, kid: key.kid };
  }

  function cachedClaims(token: string): AccessTokenClaims | undefined {
    const hit = cache.get(cacheKey(token));
    // A key that left the ring (its grace period ended) takes its cached tokens with it.
    if (hit?.token !== token || keys().verificationKey(hit.kid) === undefined) {
      options.onLookup?.(false);
      return undefined;
    }
    options.onLookup?.(true);
    return checkLive(hit.claims, hit.expiresAtMs);
  }

  async function verifyFirstSeen(token: string): Promise<AccessTokenClaims> {
    const verified = await verifyUncached(token);
    checkLive(verified.claims, verified.expiresAtMs);
    remember(token, verified);
    return verified.claims;
  }

  return {
    /**
     * The claims of a live token; an InvalidTokenError otherwise. A token verified before
     * is answered at once, without a promise (most bearers are repeats), and throws; a new
     * one, or one whose key must be reloaded, is answered through a promise, which rejects.
     */
    verifyBearer(token: string): AccessTokenClaims | Promise<AccessTokenClaims> {
      return cachedClaims(token) ?? verifyFirstSeen(token);
    },
    /** Drops the cached verifications of one subject (an account disabled elsewhere). */
    forgetSubject(sub: string): void {
      for (const [key, entry] of cache) if (entry.claims.sub === sub) cache.delete(key);
    },
  };
}

export type TokenVerifier = ReturnType<typeof tokenVerifier>;
