import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { basic, startTestApp, type TestApp } from '../helpers.js';

const RUNS = 150;
const headerValue = fc
  .oneof(
    fc.string({ maxLength: 200 }),
    fc.constantFrom(
      'Bearer',
      'Bearer ',
      'Basic',
      'Basic Og==',
      'bearer a.b.c',
      'Bearer eyJ.eyJ.x',
      'Bearer \t x',
    ),
    fc.string({ maxLength: 100 }).map((s) => `Bearer ${s}`),
    fc.string({ maxLength: 100 }).map((s) => `Basic ${Buffer.from(s).toString('base64')}`),
  )
  .map((s) => s.replace(/[^\x20-\x7e\t]/g, ''));
const jsonValue = fc.jsonValue({ maxDepth: 3 });

describe('property: hostile input never gives a 5xx and never changes stored data', () => {
  let t: TestApp;
  let token: string;
  let snapshot: string;
  before(async () => {
    t = await startTestApp({
      RATE_LIMIT_AUTH_PER_IP: '0',
      RATE_LIMIT_TOKEN_PER_CLIENT: '0',
      RATE_LIMIT_WRITES_PER_CLIENT: '0',
      LOCKOUT_THRESHOLD: '1000',
    });
    token = await t.token();
  });
  after(() => t.close());

  const players = async () => (await t.app.inject({ url: '/players/' })).body;

  test('token endpoint: arbitrary forms, JSON bodies and Authorization headers', async () => {
    const form = fc.dictionary(
      fc.constantFrom(
        'grant_type',
        'client_id',
        'client_secret',
        'scope',
        'username',
        'password',
        'refresh_token',
        'x',
      ),
      fc.oneof(
        fc.string({ maxLength: 50 }),
        fc.constantFrom('client_credentials', 'password', 'refresh_token'),
      ),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(form, jsonValue),
        fc.option(headerValue),
        fc.boolean(),
        async (body, authorization, asForm) => {
          const headers: Record<string, string> = {};
          if (authorization !== null) headers.authorization = authorization;
          let payload: string;
          if (asForm && body !== null && typeof body === 'object' && !Array.isArray(body)) {
            headers['content-type'] = 'application/x-www-form-urlencoded';
            payload = new URLSearchParams(body as Record<string, string>).toString();
          } else {
            headers['content-type'] = 'application/json';
            payload = JSON.stringify(body);
          }
          const response = await t.app.inject({
            method: 'POST',
            url: '/auth/token',
            headers,
            payload,
          });
          assert.ok(response.statusCode < 500, `${response.statusCode} for ${payload}`);
          if (response.statusCode >= 400) {
            assert.equal(typeof response.json().error, 'string');
            assert.equal(response.headers['cache-control'], 'no-store');
          }
        },
      ),
      { numRuns: RUNS },
    );
  });

  test('bearer guard: arbitrary Authorization headers on a write', async () => {
    snapshot = await players();
    await fc.assert(
      fc.asyncProperty(headerValue, async (authorization) => {
        const response = await t.app.inject({
          method: 'DELETE',
          url: '/players/squadnumber/10',
          headers: { authorization },
        });
        assert.ok(
          [401, 403].includes(response.statusCode),
          `${response.statusCode} for ${JSON.stringify(authorization)}`,
        );
        assert.match(response.headers['www-authenticate'] as string, /^Bearer realm="players-api"/);
      }),
      { numRuns: RUNS },
    );
    assert.equal(await players(), snapshot);
  });

  test('players body: arbitrary JSON is 201, 409 or 422, and a rejected one writes nothing', async () => {
    const playerLike = fc.record(
      {
        firstName: fc.oneof(fc.string({ maxLength: 20 }), jsonValue),
        lastName: fc.oneof(fc.string({ maxLength: 20 }), jsonValue),
        squadNumber: fc.oneof(fc.integer({ min: -5, max: 105 }), jsonValue),
        position: fc.oneof(fc.string({ maxLength: 20 }), jsonValue),
        dateOfBirth: fc.oneof(
          fc.string({ maxLength: 30 }),
          fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
        ),
        starting11: fc.oneof(fc.boolean(), jsonValue),
        extra: jsonValue,
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(fc.oneof(playerLike, jsonValue), async (body) => {
        const before = await players();
        const response = await t.app.inject({
          method: 'POST',
          url: '/players/',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          payload: JSON.stringify(body),
        });
        assert.ok(
          [201, 400, 409, 422].includes(response.statusCode),
          `${response.statusCode} for ${JSON.stringify(body)}: ${response.body}`,
        );
        if (response.statusCode === 201) {
          const created = response.json();
          const deleted = await t.app.inject({
            method: 'DELETE',
            url: `/players/squadnumber/${created.squadNumber}`,
            headers: { authorization: `Bearer ${token}` },
          });
          assert.equal(deleted.statusCode, 204);
        } else {
          assert.equal(response.headers['content-type'], 'application/problem+json; charset=utf-8');
          assert.equal(await players(), before, 'a rejected write changed nothing');
        }
      }),
      { numRuns: RUNS },
    );
  });

  test('revocation and introspection: arbitrary tokens and hints', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ maxLength: 300 }),
        fc.option(fc.string({ maxLength: 20 })),
        async (tokenValue, hint) => {
          for (const url of ['/auth/revoke', '/auth/introspect']) {
            const params = new URLSearchParams({
              token: tokenValue,
              ...(hint !== null && { token_type_hint: hint }),
            });
            const response = await t.app.inject({
              method: 'POST',
              url,
              headers: {
                authorization: basic(t.client.id, t.client.secret),
                'content-type': 'application/x-www-form-urlencoded',
              },
              payload: params.toString(),
            });
            assert.ok(
              response.statusCode === 200 || response.statusCode === 400,
              `${url}: ${response.statusCode}`,
            );
          }
        },
      ),
      { numRuns: RUNS },
    );
    assert.equal(
      (await t.app.inject({ url: '/protected', headers: { authorization: `Bearer ${token}` } }))
        .statusCode,
      200,
    );
  });
});
