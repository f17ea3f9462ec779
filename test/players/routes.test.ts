import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { newPlayer, startTestApp, type TestApp } from '../helpers.js';

const seed = JSON.parse(
  readFileSync(new URL('../../src/db/seed-players.json', import.meta.url), 'utf8'),
);

describe('players routes', () => {
  let t: TestApp;
  let auth: { authorization: string };
  before(async () => {
    t = await startTestApp();
    auth = { authorization: `Bearer ${await t.token()}` };
  });
  after(() => t.close());

  const get = (url: string, headers = {}) => t.app.inject({ method: 'GET', url, headers });
  const send = (
    method: 'POST' | 'PUT' | 'DELETE',
    url: string,
    payload?: unknown,
    headers: Record<string, string> = auth,
  ) =>
    t.app.inject({
      method,
      url,
      headers,
      ...(payload !== undefined && { payload: payload as object }),
    });

  test('GET /players/ lists the 26 seed players ordered by squad number', async () => {
    const response = await get('/players/');
    assert.equal(response.statusCode, 200);
    const players = response.json();
    assert.equal(players.length, 26);
    const numbers = players.map((p: { squadNumber: number }) => p.squadNumber);
    assert.deepEqual(
      numbers,
      [...numbers].sort((a: number, b: number) => a - b),
    );
    const byId = new Map(seed.map((p: { id: string }) => [p.id, p]));
    for (const player of players) assert.deepEqual(player, byId.get(player.id));
  });

  test('the trailing slash is optional', async () => {
    assert.equal((await get('/players')).statusCode, 200);
    assert.equal((await get('/players/squadnumber/10/')).statusCode, 200);
  });

  test('GET /players/{id}: 200, 404 unknown, 422 not a UUID', async () => {
    const messi = seed.find((p: { squadNumber: number }) => p.squadNumber === 10);
    const ok = await get(`/players/${messi.id}`);
    assert.equal(ok.statusCode, 200);
    assert.deepEqual(ok.json(), messi);
    const missing = await get('/players/00000000-0000-4000-8000-000000000000');
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.headers['content-type'], 'application/problem+json; charset=utf-8');
    assert.equal(missing.json().status, 404);
    const bad = await get('/players/not-a-uuid');
    assert.equal(bad.statusCode, 422);
    assert.equal(bad.json().errors[0].field, 'id');
  });

  test('GET /players/squadnumber/{n}: 200, 404, 422 not an integer', async () => {
    const ok = await get('/players/squadnumber/10');
    assert.equal(ok.statusCode, 200);
    assert.equal(ok.json().lastName, 'Messi');
    assert.equal((await get('/players/squadnumber/98')).statusCode, 404);
    assert.equal((await get('/players/squadnumber/ten')).statusCode, 422);
    assert.equal((await get('/players/squadnumber/1.5')).statusCode, 422);
  });

  test('GET answers carry an ETag and If-None-Match gives 304', async () => {
    const first = await get('/players/');
    const etag = first.headers.etag as string;
    assert.match(etag, /^"[\w-]+"$/);
    const again = await get('/players/', { 'if-none-match': etag });
    assert.equal(again.statusCode, 304);
    assert.equal(again.body, '');
    assert.equal((await get('/players/', { 'if-none-match': '"other"' })).statusCode, 200);
    const one = await get('/players/squadnumber/10');
    assert.equal(
      (await get('/players/squadnumber/10', { 'if-none-match': `W/${one.headers.etag}` }))
        .statusCode,
      304,
    );
  });

  test('If-Match on PUT and DELETE (RFC 9110 §13.1.1): the tag a GET gave, or 412', async () => {
    assert.equal((await send('POST', '/players/', newPlayer(71))).statusCode, 201);
    const url = '/players/squadnumber/71';
    const tagOf = async () => (await get(url)).headers.etag as string;
    const withTag = (ifMatch: string) => ({ ...auth, 'if-match': ifMatch });
    const first = await tagOf();

    const replaced = await send('PUT', url, newPlayer(71, { team: 'A' }), withTag(first));
    assert.equal(replaced.statusCode, 204);
    const second = await tagOf();
    assert.notEqual(second, first);

    const stale = await send('PUT', url, newPlayer(71, { team: 'B' }), withTag(first));
    assert.equal(stale.statusCode, 412);
    assert.match(stale.headers['content-type'] as string, /^application\/problem\+json/);
    assert.equal(stale.json().title, 'Precondition Failed');
    assert.equal((await get(url)).json().team, 'A');
    // Strong comparison: a weak tag never matches; a list matches on any of its tags.
    assert.equal((await send('DELETE', url, undefined, withTag(`W/${second}`))).statusCode, 412);
    assert.equal(
      (await send('PUT', url, newPlayer(71), withTag(`"x", ${second}`))).statusCode,
      204,
    );
    assert.equal((await send('PUT', url, newPlayer(71), withTag('*'))).statusCode, 204);

    // The player is as first created again: `first` names it once more, `second` no longer.
    assert.equal(await tagOf(), first);
    assert.equal((await send('DELETE', url, undefined, withTag(second))).statusCode, 412);
    assert.equal((await get(url)).statusCode, 200);
    assert.equal((await send('DELETE', url, undefined, withTag(await tagOf()))).statusCode, 204);
    // No player: the answer would be 404 without the condition, so it is 404 with it.
    assert.equal((await send('DELETE', url, undefined, withTag('*'))).statusCode, 404);
  });

  test('If-Match: of two writes made with the same tag at once, one wins and one gets 412', async () => {
    assert.equal((await send('POST', '/players/', newPlayer(72))).statusCode, 201);
    const url = '/players/squadnumber/72';
    const tag = (await get(url)).headers.etag as string;
    const statuses = await Promise.all(
      ['A', 'B'].map(
        async (team) =>
          (await send('PUT', url, newPlayer(72, { team }), { ...auth, 'if-match': tag }))
            .statusCode,
      ),
    );
    assert.deepEqual(statuses.sort(), [204, 412]);
    assert.equal((await send('DELETE', url)).statusCode, 204);
  });

  test('POST creates: 201, body, Location; then it is readable', async () => {
    const response = await send(
      'POST',
      '/players/',
      newPlayer(50, { starting11: false, dateOfBirth: '2001-02-03' }),
    );
    assert.equal(response.statusCode, 201);
    assert.equal(response.headers.location, '/players/squadnumber/50');
    const created = response.json();
    assert.match(created.id, /^[0-9a-f-]{36}$/);
    assert.equal(created.starting11, false);
    assert.deepEqual((await get('/players/squadnumber/50')).json(), created);
    assert.deepEqual((await get(`/players/${created.id}`)).json(), created);
  });

  test('POST of a taken squad number: 409 with the contract text, nothing changed', async () => {
    const before = (await get('/players/squadnumber/10')).json();
    const response = await send('POST', '/players/', newPlayer(10));
    assert.equal(response.statusCode, 409);
    assert.equal(response.json().detail, 'A Player with this squad number already exists.');
    assert.deepEqual((await get('/players/squadnumber/10')).json(), before);
  });

  test('POST validation: 422 for unknown fields, strings for numbers, range, missing fields', async () => {
    const cases: [unknown, string][] = [
      [{ ...newPlayer(60), nickname: 'x' }, 'nickname'],
      [newPlayer('60' as unknown as number), 'squadNumber'],
      [newPlayer(0), 'squadNumber'],
      [newPlayer(100), 'squadNumber'],
      [{ lastName: 'x', squadNumber: 60, position: 'GK' }, 'firstName'],
      [newPlayer(60, { dateOfBirth: 'yesterday' }), 'dateOfBirth'],
      [newPlayer(60, { starting11: 'yes' }), 'starting11'],
      [newPlayer(60, { firstName: '' }), 'firstName'],
    ];
    for (const [body, field] of cases) {
      const response = await send('POST', '/players/', body);
      assert.equal(response.statusCode, 422, JSON.stringify(body));
      assert.equal(response.headers['content-type'], 'application/problem+json; charset=utf-8');
      assert.ok(
        response.json().errors.some((e: { field: string }) => e.field === field),
        `${field} in ${response.body}`,
      );
    }
    assert.equal((await get('/players/squadnumber/60')).statusCode, 404);
  });

  test('POST and PUT validation: a name of only spaces is blank, 422, nothing stored', async () => {
    const response = await send(
      'POST',
      '/players/',
      newPlayer(62, { firstName: '   ', middleName: '\u00a0', position: '\u3000' }),
    );
    assert.equal(response.statusCode, 422);
    assert.deepEqual(response.json().errors, [
      { field: 'firstName', message: 'must not be blank' },
      { field: 'middleName', message: 'must not be blank (or null)' },
      { field: 'position', message: 'must not be blank' },
    ]);
    assert.equal((await get('/players/squadnumber/62')).statusCode, 404);

    const before = (await get('/players/squadnumber/10')).json();
    const put = await send('PUT', '/players/squadnumber/10', {
      ...before,
      id: undefined,
      lastName: ' ',
    });
    assert.equal(put.statusCode, 422);
    assert.deepEqual(put.json().errors, [{ field: 'lastName', message: 'must not be blank' }]);
    assert.deepEqual((await get('/players/squadnumber/10')).json(), before);
  });

  test('POST validation: one message per field, nullable fields included', async () => {
    const response = await send(
      'POST',
      '/players/',
      newPlayer(61, {
        middleName: 5,
        dateOfBirth: 'yesterday',
        starting11: 'yes',
        team: 'x'.repeat(101),
        league: null,
      }),
    );
    assert.equal(response.statusCode, 422);
    assert.deepEqual(response.json().errors, [
      { field: 'middleName', message: 'must be string (or null)' },
      { field: 'dateOfBirth', message: 'must match format "iso-date" (or null)' },
      { field: 'team', message: 'must NOT have more than 100 characters (or null)' },
      { field: 'starting11', message: 'must be boolean (or null)' },
    ]);
  });

  test('malformed JSON 400, wrong content type 415, body over 1 MB 413, all problem JSON', async () => {
    const malformed = await t.app.inject({
      method: 'POST',
      url: '/players/',
      headers: { ...auth, 'content-type': 'application/json' },
      payload: '{"firstName": "secret-value',
    });
    assert.equal(malformed.statusCode, 400);
    assert.equal(malformed.json().detail, 'The body is not valid JSON.');
    assert.doesNotMatch(malformed.body, /secret-value/);
    const text = await t.app.inject({
      method: 'POST',
      url: '/players/',
      headers: { ...auth, 'content-type': 'text/plain' },
      payload: 'hello',
    });
    assert.equal(text.statusCode, 415);
    assert.equal(text.json().status, 415);
    const huge = await t.app.inject({
      method: 'POST',
      url: '/players/',
      headers: { ...auth, 'content-type': 'application/json' },
      payload: JSON.stringify({ ...newPlayer(61), position: 'x'.repeat(1024 * 1024) }),
    });
    assert.equal(huge.statusCode, 413);
    assert.equal(huge.json().status, 413);
  });

  test('PUT replaces fully: 204, absent optional fields are cleared, id kept', async () => {
    const before = (await get('/players/squadnumber/10')).json();
    const response = await send(
      'PUT',
      '/players/squadnumber/10',
      newPlayer(10, { team: 'Inter Miami CF' }),
    );
    assert.equal(response.statusCode, 204);
    assert.equal(response.body, '');
    const after = (await get('/players/squadnumber/10')).json();
    assert.deepEqual(after, { id: before.id, ...newPlayer(10, { team: 'Inter Miami CF' }) });
  });

  test('PUT: 400 when the body number differs, 404 unknown, 422 invalid', async () => {
    const mismatch = await send('PUT', '/players/squadnumber/10', newPlayer(11));
    assert.equal(mismatch.statusCode, 400);
    assert.match(mismatch.json().detail, /does not match/);
    assert.equal((await send('PUT', '/players/squadnumber/98', newPlayer(98))).statusCode, 404);
    assert.equal(
      (await send('PUT', '/players/squadnumber/10', { squadNumber: 10 })).statusCode,
      422,
    );
    assert.equal((await send('PUT', '/players/squadnumber/abc', newPlayer(10))).statusCode, 422);
  });

  test('DELETE: 204 then 404', async () => {
    await send('POST', '/players/', newPlayer(70));
    assert.equal((await send('DELETE', '/players/squadnumber/70')).statusCode, 204);
    assert.equal((await get('/players/squadnumber/70')).statusCode, 404);
    assert.equal((await send('DELETE', '/players/squadnumber/70')).statusCode, 404);
  });

  test('two concurrent POSTs of one squad number: one 201, one 409', async () => {
    const results = await Promise.all([
      send('POST', '/players/', newPlayer(80, { firstName: 'One' })),
      send('POST', '/players/', newPlayer(80, { firstName: 'Two' })),
    ]);
    assert.deepEqual(results.map((r) => r.statusCode).sort(), [201, 409]);
  });

  test('writes need a token: 401 without one, the data unchanged', async () => {
    const count = (await get('/players/')).json().length;
    for (const [method, url, body] of [
      ['POST', '/players/', newPlayer(81)],
      ['PUT', '/players/squadnumber/10', newPlayer(10)],
      ['DELETE', '/players/squadnumber/10', undefined],
    ] as const) {
      const response = await send(method, url, body, {} as typeof auth);
      assert.equal(response.statusCode, 401, `${method} ${url}`);
      assert.equal(response.headers['www-authenticate'], 'Bearer realm="players-api"');
    }
    assert.equal((await get('/players/')).json().length, count);
  });

  test('/health, /ping, unknown routes, and the headers every response carries', async () => {
    const health = await get('/health');
    assert.equal(health.statusCode, 200);
    assert.deepEqual(health.json(), { status: 'ok' });
    assert.deepEqual((await get('/ping')).json(), { message: 'pong' });
    const missing = await get('/nowhere');
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.json().title, 'Not Found');
    for (const response of [health, missing]) {
      assert.match(response.headers['x-duration-ms'] as string, /^\d+\.\d{2}$/);
      assert.match(response.headers['x-request-id'] as string, /^[\w-]+$/);
    }
    const traced = await get('/ping', { 'x-request-id': 'trace-123' });
    assert.equal(traced.headers['x-request-id'], 'trace-123');
    const hostile = await get('/ping', { 'x-request-id': 'bad id\u0001' });
    assert.notEqual(hostile.headers['x-request-id'], 'bad id\u0001');
  });
});
