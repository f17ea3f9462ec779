import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import FindMyWay, { type HTTPMethod } from 'find-my-way';
import { MethodNotAllowedError, NotFoundError } from './problem.js';

/**
 * Answers requests that no route takes. A path the API serves, asked with a method it does
 * not take, gets 405 with `Allow` (RFC 9110 §15.5.6), as FastAPI and Spring answer; any
 * other path gets 404. Fastify's router answers 404 to both: a second router, holding
 * every route under the same matching options, tells them apart. It is consulted only
 * here, off the routed path.
 */
export const unrouted = fp<{ routerOptions: { ignoreTrailingSlash: boolean } }>(
  async (app: FastifyInstance, { routerOptions }) => {
    const routes = FindMyWay(routerOptions);
    const methods = new Set<HTTPMethod>();
    // Methods of catch-all routes (CORS preflight's `OPTIONS *`): allowed on every path the
    // API serves, but they do not make every path one it serves.
    const everywhere = new Set<string>();

    app.addHook('onRoute', (route) => {
      if (route.url === '*') {
        for (const method of [route.method].flat()) everywhere.add(method);
        return;
      }
      for (const method of [route.method].flat() as HTTPMethod[]) {
        methods.add(method);
        // Fastify may declare a path twice (with and without its trailing slash).
        if (!routes.hasRoute(method, route.url)) routes.on(method, route.url, () => {});
      }
    });

    app.setNotFoundHandler(async (request) => {
      const [path = ''] = request.url.split('?');
      const served = [...methods].filter((m) => routes.find(m, request.url));
      if (served.length > 0) {
        const allowed = [...new Set([...served, ...everywhere])].sort();
        throw new MethodNotAllowedError(request.method, path, allowed);
      }
      throw new NotFoundError(`No route matches ${request.method} ${path}.`);
    });
  },
  { name: 'unrouted' },
);
