import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { basic, newPlayer, startTestApp, type TestApp } from '../helpers.js';

describe('request bodies: UTF-8 only, and not compressed', () => {
  let t: TestApp;
  let auth: Record<string, string>;
  before(async () => {
    t = await startTestApp();
    auth = { authorization: `Bearer ${await t.token()}` };
  });
  after(() => t.close());

  const createPlayer = (payload: Buffer, headers: Record<string, string> = {}) =>
    t.app.inject({
      method: 'POST',
      url: '/players/',
      headers: { ...auth, 'content-type': 'application/json', ...headers },
      payload,
    });
  const json = (squadNumber: number, firstName: string) =>
    JSON.stringify(newPlayer(squadNumber, { firstName }));

  test('JSON that is not UTF-8 is a 400, and nothing is stored (RFC 8259 §8.1)', async () => {
    // "Andr\xe9": Latin-1, not UTF-8. Decoded leniently it would be stored as "Andr\uFFFD".
    const latin1 = Buffer.from(json(62, 'André'), 'latin1');
    const response = await createPlayer(latin1);
    assert.equal(response.statusCode, 400);
    assert.match(response.headers['content-type'] as string, /^application\/problem\+json/);
    assert.equal(response.json().detail, 'The body is not valid UTF-8.');
    assert.equal((await t.app.inject({ url: '/players/squadnumber/62' })).statusCode, 404);
  });

  test('no body, or JSON that is not an object: the answer says which', async () => {
    const none = await t.app.inject({ method: 'POST', url: '/players/', headers: auth });
    assert.equal(none.statusCode, 422);
    assert.deepEqual(none.json().errors, [
      { field: '(body)', message: 'is required: the request has none' },
    ]);
    for (const payload of ['null', '[1]', '"text"']) {
      const response = await createPlayer(Buffer.from(payload));
      assert.equal(response.statusCode, 422, payload);
      assert.deepEqual(response.json().errors, [
        { field: '(body)', message: 'must be a JSON object' },
      ]);
    }
    const token = await t.app.inject({
      method: 'POST',
      url: '/auth/token',
      headers: { authorization: basic(t.client.id, t.client.secret) },
    });
    assert.equal(token.statusCode, 400);
    assert.deepEqual(token.json(), {
      error: 'invalid_request',
      error_description: '(body) is required: the request has none',
    });
  });

  test('UTF-8 JSON keeps every character, U+FFFD included', async () => {
    const response = await createPlayer(Buffer.from(json(63, 'André \uFFFD Ødegaard 🙂')));
    assert.equal(response.statusCode, 201);
    assert.equal(response.json().firstName, 'André \uFFFD Ødegaard 🙂');
  });

  test('JSON with a __proto__ or constructor.prototype key is a 400, and nothing is stored', async () => {
    for (const [squadNumber, poison] of [
      [66, '"__proto__": { "admin": true }'],
      [67, '"constructor": { "prototype": { "admin": true } }'],
    ] as const) {
      const body = json(squadNumber, 'Poison').replace(/}$/, `, ${poison}}`);
      const response = await createPlayer(Buffer.from(body));
      assert.equal(response.statusCode, 400, poison);
      assert.equal(
        response.json().detail,
        'The body holds a __proto__ key, or a constructor.prototype: refused.',
      );
      const stored = await t.app.inject({ url: `/players/squadnumber/${squadNumber}` });
      assert.equal(stored.statusCode, 404);
    }
  });

  test('a compressed JSON body is a 415 naming the coding, with Accept-Encoding: identity', async () => {
    const response = await createPlayer(gzipSync(json(64, 'Zipped')), {
      'content-encoding': 'gzip',
    });
    assert.equal(response.statusCode, 415);
    assert.equal(response.headers['accept-encoding'], 'identity');
    assert.equal(
      response.json().detail,
      'Content-Encoding gzip is not supported: send the body uncompressed.',
    );
    assert.equal((await t.app.inject({ url: '/players/squadnumber/64' })).statusCode, 404);
  });

  test('Content-Encoding: identity is no coding at all', async () => {
    const response = await createPlayer(Buffer.from(json(65, 'Plain')), {
      'content-encoding': 'identity',
    });
    assert.equal(response.statusCode, 201);
  });

  test('a compressed form on the token endpoint: 415 in RFC 6749 form', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/auth/token',
      headers: {
        authorization: basic(t.client.id, t.client.secret),
        'content-type': 'application/x-www-form-urlencoded',
        'content-encoding': 'gzip',
      },
      payload: gzipSync('grant_type=client_credentials'),
    });
    assert.equal(response.statusCode, 415);
    assert.equal(response.headers['accept-encoding'], 'identity');
    assert.deepEqual(response.json(), {
      error: 'invalid_request',
      error_description: 'Content-Encoding gzip is not supported: send the body uncompressed.',
    });
  });
});
