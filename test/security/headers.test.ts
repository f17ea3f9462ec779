import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { startTestApp } from '../helpers.js';

describe('security headers and CORS', () => {
  test('helmet headers on every response; no CORS grant by default', async () => {
    const t = await startTestApp();
    const response = await t.app.inject({
      url: '/players/',
      headers: { origin: 'https://evil.example' },
    });
    assert.equal(response.headers['x-content-type-options'], 'nosniff');
    assert.match(response.headers['strict-transport-security'] as string, /max-age=\d+/);
    assert.equal(response.headers['x-frame-options'], 'SAMEORIGIN');
    assert.equal(response.headers['access-control-allow-origin'], undefined);
    const preflight = await t.app.inject({
      method: 'OPTIONS',
      url: '/players/',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    assert.equal(preflight.headers['access-control-allow-origin'], undefined);
    await t.close();
  });

  test('CORS_ORIGINS grants exactly the configured origins', async () => {
    const t = await startTestApp({ CORS_ORIGINS: 'https://app.example/, https://admin.example' });
    const allowed = await t.app.inject({
      url: '/players/',
      headers: { origin: 'https://app.example' },
    });
    assert.equal(allowed.headers['access-control-allow-origin'], 'https://app.example');
    assert.match(allowed.headers['access-control-expose-headers'] as string, /www-authenticate/);
    const other = await t.app.inject({
      url: '/players/',
      headers: { origin: 'https://evil.example' },
    });
    assert.equal(other.headers['access-control-allow-origin'], undefined);
    await t.close();
  });
});
