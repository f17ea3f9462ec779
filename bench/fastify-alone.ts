// Fastify 5 with nothing of ours: what scenario d costs the framework alone. The body is
// read and its form parsed, the answer is a fixed token response of the same size (532
// bytes) with RFC 6749's two cache headers. No client authentication, claims or signature.
// With `sign`, the token is a real one, made by our issuer (src/auth/access-token.ts):
// claims, base64url, and an Ed25519 signature on our signing thread, the one piece of our
// work kept. Between the two, what any Fastify endpoint that signs such tokens must cost on
// this machine.
//   node --import tsx bench/fastify-alone.ts PORT [sign]
import { generateKeyPairSync } from 'node:crypto';
import Fastify from 'fastify';
import { accessTokenIssuer } from '../src/auth/access-token.js';
import { KeyRing } from '../src/keys/key-ring.js';
import { startSigningThread } from '../src/keys/signing-thread.js';

const SIGN = process.argv[3] === 'sign';
const answer = (accessToken: string) =>
  JSON.stringify({
    access_token: accessToken,
    token_type: 'bearer',
    expires_in: 3600,
    scope: 'write',
  });
const fixedAnswer = answer('x'.repeat(457));

const signingKey = {
  kid: 'bench',
  alg: 'EdDSA' as const,
  key: generateKeyPairSync('ed25519').privateKey,
};
const ring = new KeyRing(signingKey, []);
const issueAccessToken = accessTokenIssuer({
  keys: () => ring,
  signingThread: startSigningThread(),
  issuer: 'http://127.0.0.1:9000',
  audience: 'players-api',
  ttlSeconds: 3600,
  now: Date.now,
});

async function signedToken(): Promise<string> {
  const grant = { subject: 'bench-client', clientId: 'bench-client', scopes: ['write'] };
  return (await issueAccessToken(grant)).token;
}

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
    .send(SIGN ? answer(await signedToken()) : fixedAnswer),
);
await app.listen({ port: Number(process.argv[2]), host: '127.0.0.1' });
