import type { FastifyInstance, FastifyRequest } from 'fastify';

/** A body the parsers refuse; the route's renderer words it (problem JSON or RFC 6749). */
export class BodyError extends Error {
  override name = 'BodyError';
  /** The message is written for the client. */
  readonly expose = true;

  constructor(
    message: string,
    readonly statusCode = 400,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The body as text. Bodies are taken as sent: a compressed one is refused with the coding
 * named (RFC 9110 §15.5.16, with Accept-Encoding as §12.5.3 asks), where it would otherwise
 * fail to parse with a message that misleads. Bytes that are not UTF-8 are refused (RFC 8259
 * §8.1) rather than stored as U+FFFD.
 */
export function bodyText(request: FastifyRequest, body: Buffer): string {
  const coding = request.headers['content-encoding']?.trim().toLowerCase();
  if (coding !== undefined && coding !== '' && coding !== 'identity') {
    throw new BodyError(
      `Content-Encoding ${coding} is not supported: send the body uncompressed.`,
      415,
      { 'accept-encoding': 'identity' },
    );
  }
  try {
    return utf8.decode(body);
  } catch {
    throw new BodyError('The body is not valid UTF-8.');
  }
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * application/json through Fastify's own parser, on checked text. It refuses `__proto__`
 * keys (and `constructor.prototype`) with the same error as broken JSON; JSON that parses
 * on its own is told which it was.
 */
export function registerJsonBodyParser(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    let text: string;
    try {
      text = bodyText(request, body as Buffer);
    } catch (error) {
      return done(error as BodyError, undefined);
    }
    parseJson(request, text, (error, value) => {
      if (error === null || !isJson(text)) return done(error, value);
      done(
        new BodyError('The body holds a __proto__ key, or a constructor.prototype: refused.'),
        undefined,
      );
    });
  });
}
