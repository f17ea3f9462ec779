import helmet, { type HelmetOptions } from 'helmet';

/**
 * helmet's headers, worked out once at start and set with one call per response.
 * @fastify/helmet runs helmet's middleware chain on every request: on `GET /ping` that
 * measured 11.2k–14.9k req/s against 17.0k–21.5k for the same headers set this way.
 */
export function securityHeaders(options: HelmetOptions = {}): Record<string, string> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader(name: string, value: string) {
      headers[name.toLowerCase()] = value;
    },
    removeHeader(name: string) {
      delete headers[name.toLowerCase()];
    },
  };
  helmet(options)({} as never, response as never, () => {});
  return headers;
}
