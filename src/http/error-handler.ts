import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { isDatabaseUnavailable, isUnstorableText } from '../db/errors.js';
import {
  NOT_BLANK_PATTERN,
  NOT_BLANK_PROBLEM,
  PLAIN_TEXT_FORMAT,
  PLAIN_TEXT_PROBLEM,
} from '../plain-text.js';
import {
  type FieldError,
  type HttpError,
  isHttpError,
  ProblemError,
  ServiceUnavailableError,
  ValidationError,
} from './problem.js';

/**
 * How a group of routes words client errors it did not throw itself (bad JSON, validation,
 * unsupported media type): the OAuth routes answer in RFC 6749 form instead of problem JSON.
 */
export type ClientErrorRenderer = (
  status: number,
  detail: string,
  fields?: FieldError[],
) => HttpError;

declare module 'fastify' {
  interface FastifyContextConfig {
    renderClientError?: ClientErrorRenderer;
  }
}

type AjvIssue = NonNullable<FastifyError['validation']>[number];

function fieldOf(issue: AjvIssue): string {
  const params = issue.params as Record<string, unknown>;
  const path = issue.instancePath.split('/').filter(Boolean);
  if (typeof params.missingProperty === 'string') path.push(params.missingProperty);
  if (typeof params.additionalProperty === 'string') path.push(params.additionalProperty);
  return path.join('.') || '(body)';
}

function messageOf(issue: AjvIssue): string {
  const params = issue.params as Record<string, unknown>;
  if (typeof params.additionalProperty === 'string') return 'is not an allowed field';
  if (typeof params.missingProperty === 'string') return 'is required';
  if (params.format === PLAIN_TEXT_FORMAT) return PLAIN_TEXT_PROBLEM;
  if (params.pattern === NOT_BLANK_PATTERN) return NOT_BLANK_PROBLEM;
  if (issue.instancePath === '' && params.type === 'object') return 'must be a JSON object';
  return issue.message ?? 'is not valid';
}

const isUnion = (issue: AjvIssue) => issue.keyword === 'anyOf' || issue.keyword === 'oneOf';
const isBranchOf = (union: AjvIssue, issue: AjvIssue) =>
  issue.schemaPath.startsWith(`${union.schemaPath}/`);

/** One message for a value no branch of a union took: `must be string (or null)`. */
function unionMessage(union: AjvIssue, branches: readonly AjvIssue[]): string {
  const messages = branches
    .filter((b) => b.instancePath === union.instancePath)
    .map((b) => messageOf(b));
  const nullable = messages.includes('must be null');
  const others = [...new Set(messages.filter((m) => m !== 'must be null'))];
  if (others.length === 0) return nullable ? 'must be null' : messageOf(union);
  return `${others.join(', or ')}${nullable ? ' (or null)' : ''}`;
}

/**
 * One entry per problem. ajv reports a union (a nullable field) three times: once per
 * branch and once for the union; those become one message.
 */
export function fieldErrors(issues: readonly AjvIssue[]): FieldError[] {
  const unions = issues.filter(isUnion);
  return issues
    .filter((issue) => !unions.some((union) => isBranchOf(union, issue)))
    .map((issue) => ({
      field: fieldOf(issue),
      message: isUnion(issue)
        ? unionMessage(
            issue,
            issues.filter((b) => isBranchOf(issue, b)),
          )
        : messageOf(issue),
    }));
}

// Messages fixed here rather than taken from the error: a JSON parser's message quotes
// the body it choked on, and the body may hold a secret. Errors marked `expose` carry a
// message written for the client.
function clientErrorDetail(error: FastifyError): string {
  if ((error as { expose?: unknown }).expose === true) return error.message;
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return `Unsupported Content-Type${error.message.includes(':') ? `: ${error.message.split(':').pop()?.trim()}` : ''}.`;
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'The request body is too large.';
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'The body is empty but Content-Type says JSON.';
    default:
      if (error instanceof SyntaxError || error.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
        return 'The body is not valid JSON.';
      }
      return error.code?.startsWith('FST_')
        ? error.message
        : 'The request could not be understood.';
  }
}

function toHttpError(error: FastifyError, request: FastifyRequest): HttpError | undefined {
  if (isHttpError(error)) return error;
  const render = request.routeOptions.config?.renderClientError;
  if (error.validation) {
    // Without a body Fastify validates `undefined`, which ajv calls a body of the wrong type.
    const fields =
      error.validationContext === 'body' && request.body === undefined
        ? [{ field: '(body)', message: 'is required: the request has none' }]
        : fieldErrors(error.validation);
    if (render) {
      return render(400, fields.map((f) => `${f.field} ${f.message}`).join('; '), fields);
    }
    return new ValidationError(fields);
  }
  if (isUnstorableText(error)) {
    const detail = 'The request holds a character that cannot be stored (U+0000).';
    return render ? render(400, detail) : new ProblemError(400, detail);
  }
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    const detail = clientErrorDetail(error);
    const rendered = render ? render(status, detail) : new ProblemError(status, detail);
    Object.assign(rendered.headers, (error as { headers?: Record<string, string> }).headers);
    return rendered;
  }
  return undefined;
}

function send(reply: FastifyReply, error: HttpError): FastifyReply {
  return reply
    .code(error.status)
    .headers(error.headers)
    .type(error.contentType)
    .send(JSON.stringify(error.body()));
}

/** One place that turns anything thrown into a response: no stack, SQL or secret leaves it. */
export const errorHandler = fp(
  async (app: FastifyInstance) => {
    app.setErrorHandler((error: FastifyError, request, reply) => {
      const known =
        toHttpError(error, request) ??
        (isDatabaseUnavailable(error)
          ? new ServiceUnavailableError('The database is not answering; retry shortly.')
          : undefined);
      if (known) {
        if (known.status >= 500) request.log.warn({ status: known.status }, known.message);
        return send(reply, known);
      }
      request.log.error({ err: error }, 'unhandled error');
      return send(reply, new ProblemError(500, 'The server could not complete the request.'));
    });
  },
  { name: 'error-handler' },
);
