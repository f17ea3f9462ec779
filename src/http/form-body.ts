import type { FastifyInstance } from 'fastify';

/** A parser error that the route's renderer turns into its own error shape (4xx). */
class FormBodyError extends Error {
  statusCode = 400;
  code = 'FST_FORM_BODY';
}

/**
 * application/x-www-form-urlencoded, strictly: RFC 6749 §3.2 says parameters must not be
 * repeated, so a repeated name is an error instead of an array or a silent last-wins.
 */
export function registerFormBodyParser(app: FastifyInstance): void {
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    (_request, body, done) => {
      const params: Record<string, string> = Object.create(null);
      for (const [name, value] of new URLSearchParams(body as string)) {
        if (name in params)
          return done(new FormBodyError(`The parameter ${name} is repeated.`), undefined);
        // Bytes that are not UTF-8 decode to U+FFFD: refuse rather than guess.
        if (value.includes('\uFFFD') || name.includes('\uFFFD')) {
          return done(new FormBodyError('The form body is not valid UTF-8.'), undefined);
        }
        params[name] = value;
      }
      done(null, { ...params });
    },
  );
}
