// Fastify 5 with nothing of ours: what scenario d costs the framework alone. The body is
// read and its form parsed, the answer is a fixed token response of the same size (532
// bytes) with RFC 6749's two cache headers. No client authentication, claims or signature.
// With `sign`, the token is a real one: fixed claims but for jti and iat, signed with
// Ed25519 on our signing thread, the one piece of our work kept. Between the two, what
// any Fastify endpoint that signs such tokens must cost on this machine.
//   node --import tsx bench/fastify-alone.ts PORT [sign]
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import Fastify from 'fastify';
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

const signingThread = startSigningThread();
const key = { kid: 'bench', alg: 'EdDSA' as const, key: generateKeyPairSync('ed25519').privateKey };
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const header = b64({ alg: 'EdDSA', typ: 'at+jwt', kid: key.kid });

async function signedToken(): Promise<string> {
  const iat = Math.floor(Date.now() / 1000);
  const claims = {
    ...{ iss: 'http://127.0.0.1:9000', sub: 'bench-client', aud: 'players-api' },
    ...{ client_id: 'bench-client', scope: 'write', jti: randomUUID(), iat, exp: iat + 3600 },
  };
  const input = `${header}.${b64(claims)}`;
  return `${input}.${await signingThread.sign(key, input)}`;
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
