import type { FastifyRequest } from 'fastify';

const CENSOR = '[redacted]';
const SECRET_FIELDS = ['client_secret', 'password', 'access_token', 'refresh_token', 'token'];
const SECRET_NAMES = new Set(SECRET_FIELDS);

/**
 * pino's redaction: the secret fields at the top level of a line and inside an error, any
 * body or credential header whole. Named paths, not `*.password`: pino runs a path that
 * starts with a wildcard over every request's bindings and every line. At the default level
 * (then two lines a request) redaction took 14.9 us of each GET /ping, and took 4.6 us so.
 */
export const logRedaction = {
  paths: [
    ...SECRET_FIELDS,
    ...SECRET_FIELDS.map((field) => `err.${field}`),
    'body',
    'req.body',
    'req.headers.authorization',
    'req.headers.cookie',
    'headers.authorization',
    'headers.cookie',
  ],
  censor: CENSOR,
};

/**
 * The URL as logged: a client that puts a token or secret in the query string (RFC 6750
 * §2.3, which this API does not accept) must not get it written to the logs.
 */
export function loggedUrl(url: string): string {
  const start = url.indexOf('?');
  if (start === -1) return url;
  const params = [...new URLSearchParams(url.slice(start + 1))];
  if (!params.some(([name]) => SECRET_NAMES.has(name.toLowerCase()))) return url;
  const query = params.map(([name, value]) => {
    const shown = SECRET_NAMES.has(name.toLowerCase()) ? CENSOR : encodeURIComponent(value);
    return `${encodeURIComponent(name)}=${shown}`;
  });
  return `${url.slice(0, start)}?${query.join('&')}`;
}

/** Fastify's request serializer, with the URL as `loggedUrl` gives it. */
export function logRequest(request: FastifyRequest) {
  return {
    method: request.method,
    url: loggedUrl(request.url),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}
