// Fastify 5 with nothing of ours: what scenario d costs the framework alone. The body is
// read and its form parsed, the answer is a fixed token response of the same size (532
// bytes) with RFC 6749's two cache headers. No client authentication, claims or signature.
//   node --import tsx bench/fastify-alone.ts PORT
import Fastify from 'fastify';

const answer = JSON.stringify({
  access_token: 'x'.repeat(457),
  token_type: 'bearer',
  expires_in: 3600,
  scope: 'write',
});

const app = Fastify({ logger: false });
app.addContentTypeParser(
  'application/x-www-form-urlencoded',
  { parseAs: 'string' },
  (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))),
);
app.get('/health', async () => ({ status: 'ok' }));
app.post('/auth/token', async (_request, reply) =>
  reply
    .header('cache-control', 'no-store')
    .header('pragma', 'no-cache')
    .type('application/json; charset=utf-8')
    .send(answer),
);
await app.listen({ port: Number(process.argv[2]), host: '127.0.0.1' });
