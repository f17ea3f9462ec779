import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { startTestApp } from '../helpers.js';

const sample = (text: string, metric: string) => {
  const line = text.split('\n').find((l) => l.startsWith(metric));
  return line === undefined ? 0 : Number(line.split(' ').pop());
};

describe('GET /metrics', () => {
  test('off by default', async () => {
    const t = await startTestApp({}, {}, ['write', 'admin']);
    const response = await t.app.inject({
      url: '/metrics',
      headers: { authorization: `Bearer ${await t.token('admin')}` },
    });
    assert.equal(response.statusCode, 404);
    await t.close();
  });

  test('METRICS=true: admin scope only; the counters move', async () => {
    const t = await startTestApp({ METRICS: 'true' }, {}, ['write', 'admin']);
    const admin = { authorization: `Bearer ${await t.token('admin')}` };
    assert.equal((await t.app.inject({ url: '/metrics' })).statusCode, 401);
    assert.equal(
      (
        await t.app.inject({
          url: '/metrics',
          headers: { authorization: `Bearer ${await t.token('write')}` },
        })
      ).statusCode,
      403,
    );

    const before = (await t.app.inject({ url: '/metrics', headers: admin })).body;
    const token = await t.token('write');
    await t.app.inject({ url: '/protected', headers: { authorization: `Bearer ${token}` } });
    await t.app.inject({ url: '/protected', headers: { authorization: `Bearer ${token}` } });
    await t.app.inject({ url: '/protected', headers: { authorization: 'Bearer not-a-token' } });
    const response = await t.app.inject({ url: '/metrics', headers: admin });
    assert.equal(response.statusCode, 200);
    assert.match(response.headers['content-type'] as string, /^text\/plain/);
    const after = response.body;
    const issued = 'players_api_tokens_issued_total{grant="client_credentials"}';
    assert.equal(sample(after, issued), sample(before, issued) + 1);
    assert.ok(sample(after, 'players_api_auth_failures_total{reason="invalid_token"}') >= 1);
    assert.ok(sample(after, 'players_api_token_cache_lookups_total{result="hit"}') >= 1);
    assert.ok(sample(after, 'players_api_token_cache_hit_ratio') > 0);
    assert.match(
      after,
      /players_api_http_request_duration_seconds_bucket\{.*route="\/protected".*status="200"/,
    );
    await t.close();
  });
});
