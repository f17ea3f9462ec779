import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestApp, type TestApp } from '../helpers.js';

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH' | 'OPTIONS';

describe('requests no route takes', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  const call = (method: Method, url: string) => t.app.inject({ method, url });

  test('a served path asked with another method: 405, Allow, problem JSON (RFC 9110 §15.5.6)', async () => {
    const cases: [Method, string, string][] = [
      ['GET', '/auth/token', 'POST'],
      ['DELETE', '/ping', 'GET, HEAD'],
      ['PATCH', '/players/', 'GET, HEAD, POST'],
      ['PATCH', '/players', 'GET, HEAD, POST'],
      ['POST', '/players/squadnumber/10', 'DELETE, GET, HEAD, PUT'],
      ['PATCH', '/players/squadnumber/10/', 'DELETE, GET, HEAD, PUT'],
      ['OPTIONS', '/players/', 'GET, HEAD, POST'],
      ['DELETE', '/.well-known/jwks.json?x=1', 'GET, HEAD'],
    ];
    for (const [method, url, allow] of cases) {
      const response = await call(method, url);
      assert.equal(response.statusCode, 405, `${method} ${url}`);
      assert.equal(response.headers.allow, allow, `${method} ${url}`);
      assert.match(response.headers['content-type'] as string, /^application\/problem\+json/);
      const path = url.split('?')[0];
      assert.deepEqual(response.json(), {
        type: 'about:blank',
        title: 'Method Not Allowed',
        status: 405,
        detail: `${method} is not allowed on ${path}; it allows ${allow}.`,
      });
      assert.match(response.headers['x-request-id'] as string, /^[\w-]+$/);
    }
  });

  test('a 405 leaves the player as it was', async () => {
    const before = (await call('GET', '/players/squadnumber/10')).json();
    assert.equal((await call('PATCH', '/players/squadnumber/10')).statusCode, 405);
    assert.deepEqual((await call('GET', '/players/squadnumber/10')).json(), before);
  });

  test('a path the API does not serve stays 404, whatever the method', async () => {
    for (const [method, url] of [
      ['GET', '/nowhere'],
      ['POST', '/nowhere'],
      ['GET', '/players/squadnumber/10/extra'],
      ['DELETE', '/auth'],
    ] as [Method, string][]) {
      const response = await call(method, url);
      assert.equal(response.statusCode, 404, `${method} ${url}`);
      assert.equal(response.headers.allow, undefined);
      assert.equal(response.json().detail, `No route matches ${method} ${url}.`);
    }
  });
});

test('with CORS on, its catch-all preflight route does not turn unknown paths into 405s', async () => {
  const t = await startTestApp({ CORS_ORIGINS: 'https://app.example' });
  const preflight = await t.app.inject({
    method: 'OPTIONS',
    url: '/players/',
    headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' },
  });
  assert.equal(preflight.statusCode, 204);
  const missing = await t.app.inject({ method: 'POST', url: '/nowhere' });
  assert.equal(missing.statusCode, 404);
  assert.equal(missing.headers.allow, undefined);
  const wrongMethod = await t.app.inject({ method: 'PATCH', url: '/players/' });
  assert.equal(wrongMethod.statusCode, 405);
  assert.equal(wrongMethod.headers.allow, 'GET, HEAD, OPTIONS, POST');
  await t.close();
});
