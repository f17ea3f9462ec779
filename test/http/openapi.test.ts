import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startTestApp } from '../helpers.js';

test('OpenAPI: every operation documents its success, and every credential check its 429', async () => {
  const t = await startTestApp({ METRICS: 'true' });
  const doc = (await t.app.inject({ url: '/openapi.json' })).json();
  const operations = Object.entries(
    doc.paths as Record<string, Record<string, { responses: Record<string, unknown> }>>,
  ).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ name: `${method} ${path}`, op })),
  );
  assert.ok(operations.length > 20);
  const undocumented = operations
    .filter(({ op }) => !Object.keys(op.responses).some((status) => /^2\d\d$/.test(status)))
    .map(({ name }) => name);
  assert.deepEqual(undocumented, []);
  // Each of these checks a client secret or a password (lockout) or counts requests per IP.
  for (const name of [
    'post /auth/token',
    'post /auth/revoke',
    'post /auth/introspect',
    'post /users',
    'post /users/auth',
    'post /auth/session',
  ]) {
    const operation = operations.find((o) => o.name === name);
    assert.ok(operation?.op.responses['429'], `${name} documents 429`);
  }
  await t.close();
});
