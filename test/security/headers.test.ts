import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { startTestApp } from '../helpers.js';

describe('security headers and CORS', () => {
  test("OWASP's REST headers on API responses; no CORS grant by default", async () => {
    const t = await startTestApp();
    for (const url of ['/players/', '/no-such-route']) {
      const response = await t.app.inject({ url, headers: { origin: 'https://evil.example' } });
      assert.equal(response.headers['x-content-type-options'], 'nosniff', url);
      assert.match(response.headers['strict-transport-security'] as string, /max-age=\d+/);
      assert.equal(response.headers['x-frame-options'], 'DENY', url);
      assert.equal(
        response.headers['content-security-policy'],
        "default-src 'none';frame-ancestors 'none'",
        url,
      );
      // Headers for HTML pages only.
      assert.equal(response.headers['cross-origin-opener-policy'], undefined, url);
      assert.equal(response.headers['x-dns-prefetch-control'], undefined, url);
      assert.equal(response.headers['access-control-allow-origin'], undefined, url);
    }
    const preflight = await t.app.inject({
      method: 'OPTIONS',
      url: '/players/',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    assert.equal(preflight.headers['access-control-allow-origin'], undefined);
    await t.close();
  });

  test("the Swagger UI pages get helmet's headers for HTML and their own CSP", async () => {
    const t = await startTestApp();
    for (const url of ['/docs/', '/docs/static/swagger-ui.css']) {
      const response = await t.app.inject({ url });
      assert.equal(response.statusCode, 200, url);
      assert.equal(response.headers['cross-origin-opener-policy'], 'same-origin', url);
      assert.equal(response.headers['cross-origin-resource-policy'], 'same-origin', url);
      assert.equal(response.headers['referrer-policy'], 'no-referrer', url);
      assert.equal(response.headers['x-frame-options'], 'SAMEORIGIN', url);
      assert.equal(response.headers['x-content-type-options'], 'nosniff', url);
      assert.match(response.headers['content-security-policy'] as string, /script-src 'self'/);
    }
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
