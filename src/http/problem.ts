import { STATUS_CODES } from 'node:http';

export interface FieldError {
  field: string;
  message: string;
}

/** What the central error handler knows how to send: any thrown error that implements it. */
export interface HttpError extends Error {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly contentType: string;
  body(): Record<string, unknown>;
}

export function isHttpError(error: unknown): error is HttpError {
  return error instanceof Error && typeof (error as Partial<HttpError>).body === 'function';
}

/**
 * An RFC 9457 problem: what a resource route throws to answer with an error.
 * The central error handler renders it; handlers never build error responses themselves.
 */
export class ProblemError extends Error implements HttpError {
  override name = 'ProblemError';
  readonly title: string;
  readonly contentType = 'application/problem+json; charset=utf-8';

  constructor(
    readonly status: number,
    readonly detail: string,
    readonly headers: Record<string, string> = {},
    readonly errors?: FieldError[],
  ) {
    super(detail);
    this.title = STATUS_CODES[status] ?? 'Error';
  }

  body(): Record<string, unknown> {
    const body: Record<string, unknown> = {
      type: 'about:blank',
      title: this.title,
      status: this.status,
      detail: this.detail,
    };
    if (this.errors !== undefined) body.errors = this.errors;
    return body;
  }
}

export class NotFoundError extends ProblemError {
  constructor(detail: string) {
    super(404, detail);
  }
}

export class ConflictError extends ProblemError {
  constructor(detail: string) {
    super(409, detail);
  }
}

/** RFC 9110 §15.5.6: the resource exists, not with this method; `Allow` lists the ones it takes. */
export class MethodNotAllowedError extends ProblemError {
  constructor(method: string, path: string, allowed: readonly string[]) {
    super(405, `${method} is not allowed on ${path}; it allows ${allowed.join(', ')}.`, {
      allow: allowed.join(', '),
    });
  }
}

/** RFC 9110 §15.5.13: the resource is not as the request's precondition (If-Match) said. */
export class PreconditionFailedError extends ProblemError {
  constructor(detail: string) {
    super(412, detail);
  }
}

export class BadRequestError extends ProblemError {
  constructor(detail: string) {
    super(400, detail);
  }
}

export class ValidationError extends ProblemError {
  constructor(errors: FieldError[]) {
    super(422, 'The request is not valid: see errors.', {}, errors);
  }
}

export class ServiceUnavailableError extends ProblemError {
  constructor(detail: string) {
    super(503, detail, { 'retry-after': '5' });
  }
}

/**
 * Too many requests or failures (429). Each group of routes words it its own way (problem
 * JSON, or RFC 6749 `slow_down`), so it carries only a safe message and Retry-After.
 */
export class TooManyRequestsError extends Error {
  override name = 'TooManyRequestsError';
  readonly statusCode = 429;
  /** The message is written for the client and safe to send. */
  readonly expose = true;
  readonly headers: Record<string, string>;

  constructor(message: string, retryAfterSeconds: number) {
    super(message);
    this.headers = { 'retry-after': String(Math.max(1, Math.ceil(retryAfterSeconds))) };
  }
}
