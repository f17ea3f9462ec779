import type { HttpError } from '../http/problem.js';

// RFC 6749 §5.1: token responses (and so their errors) must never be cached.
export const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' } as const;

/** An RFC 6749 §5.2 error: `{error, error_description}` with its status. */
export class OAuthError extends Error implements HttpError {
  override name = 'OAuthError';
  readonly contentType = 'application/json; charset=utf-8';
  readonly headers: Record<string, string>;

  constructor(
    readonly error: string,
    readonly status: number,
    readonly description: string,
    headers: Record<string, string> = {},
  ) {
    super(description);
    this.headers = { ...NO_STORE, ...headers };
  }

  body(): Record<string, unknown> {
    return { error: this.error, error_description: this.description };
  }
}

export class InvalidRequest extends OAuthError {
  constructor(description: string, status = 400) {
    super('invalid_request', status, description);
  }
}

export class InvalidClient extends OAuthError {
  /** `usedBasic`: RFC 6749 §5.2 asks for a Basic challenge only when the client tried Basic. */
  constructor(realm: string, usedBasic: boolean) {
    super(
      'invalid_client',
      401,
      'Client authentication failed.',
      usedBasic ? { 'www-authenticate': `Basic realm="${realm}"` } : {},
    );
  }
}

export class InvalidGrant extends OAuthError {
  constructor(description: string) {
    super('invalid_grant', 400, description);
  }
}

export class UnauthorizedClient extends OAuthError {
  constructor(description: string) {
    super('unauthorized_client', 400, description);
  }
}

export class UnsupportedGrantType extends OAuthError {
  constructor(description: string) {
    super('unsupported_grant_type', 400, description);
  }
}

export class InvalidScope extends OAuthError {
  constructor(description: string) {
    super('invalid_scope', 400, description);
  }
}
