import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { basic, newPlayer, startTestApp, type TestApp } from '../helpers.js';

// Text a client could send that PostgreSQL cannot store (U+0000) or that no name holds
// (other control characters, unpaired surrogates). On either database each gets a 4xx
// that says what is wrong, and nothing is written.
const BAD_TEXT = ['a\u0000b', 'bell\u0007', 'esc\u001b[31m', 'c1\u0085', 'half\ud800'];

describe('input no database should store', () => {
  let t: TestApp;
  let write: string;
  let admin: string;
  before(async () => {
    t = await startTestApp({}, {}, ['write', 'admin']);
    write = `Bearer ${await t.token('write')}`;
    admin = `Bearer ${await t.token('admin')}`;
  });
  after(() => t.close());

  const squad = async () => (await t.app.inject({ url: '/players/' })).body;
  const json = (method: 'POST' | 'PUT', url: string, payload: object, authorization?: string) =>
    t.app.inject({ method, url, payload, headers: authorization ? { authorization } : {} });

  test('control characters in a player field: 422 naming the field; nothing stored', async () => {
    const before = await squad();
    for (const bad of BAD_TEXT) {
      for (const field of ['firstName', 'lastName', 'middleName', 'position', 'team', 'league']) {
        const created = await json('POST', '/players/', newPlayer(60, { [field]: bad }), write);
        assert.equal(created.statusCode, 422, `${field} ${JSON.stringify(bad)}: ${created.body}`);
        const [error, ...others] = created.json().errors;
        assert.deepEqual(others, []);
        assert.equal(error.field, field);
        // Optional fields also take null, and say so.
        assert.match(
          error.message,
          /^must not contain control characters or unpaired surrogates( \(or null\))?$/,
        );
      }
      const replaced = await json(
        'PUT',
        '/players/squadnumber/10',
        newPlayer(10, { team: bad }),
        write,
      );
      assert.equal(replaced.statusCode, 422, replaced.body);
    }
    assert.equal(await squad(), before);
  });

  test('names with accents, apostrophes and other scripts are still taken', async () => {
    for (const [n, name] of [
      [61, "N'Golo"],
      [62, 'Ñandú Ölçer'],
      [63, '久保 建英'],
      [64, 'Emoji 🙂 Test'],
    ] as const) {
      const created = await json('POST', '/players/', newPlayer(n, { firstName: name }), write);
      assert.equal(created.statusCode, 201, created.body);
      assert.equal(created.json().firstName, name);
    }
  });

  test('control characters in a user full name or a client name: 422', async () => {
    for (const bad of BAD_TEXT) {
      const user = await json('POST', '/users', {
        username: 'nul-check',
        password: 'a long passphrase 42',
        fullName: bad,
      });
      assert.equal(user.statusCode, 422, user.body);
      const client = await json('POST', '/admin/clients', { name: bad, scopes: [] }, admin);
      assert.equal(client.statusCode, 422, client.body);
    }
    const listed = await t.app.inject({ url: '/admin/clients', headers: { authorization: admin } });
    assert.equal(listed.json().length, 1);
  });

  test('a blank user full name or client name: 422 saying so, nothing stored', async () => {
    const user = await json('POST', '/users', {
      username: 'blank-check',
      password: 'a long passphrase 42',
      fullName: ' \u2003 ',
    });
    assert.equal(user.statusCode, 422, user.body);
    assert.deepEqual(user.json().errors, [{ field: 'fullName', message: 'must not be blank' }]);
    const client = await json('POST', '/admin/clients', { name: '\t', scopes: [] }, admin);
    assert.equal(client.statusCode, 422, client.body);
    const listed = await t.app.inject({ url: '/admin/clients', headers: { authorization: admin } });
    assert.equal(listed.json().length, 1);
    const login = await json('POST', '/users/auth', {
      username: 'blank-check',
      password: 'a long passphrase 42',
    });
    assert.equal(login.statusCode, 401, 'no user was made');
  });

  test('a NUL in a client id (HTTP Basic or form) or an admin path is a 4xx, not a 500', async () => {
    const basicNul = await t.app.inject({
      method: 'POST',
      url: '/auth/token',
      headers: { authorization: basic('a\u0000b', 'secret') },
      payload: { grant_type: 'client_credentials' },
    });
    assert.equal(basicNul.statusCode, 401, basicNul.body);
    assert.equal(basicNul.json().error, 'invalid_client');
    const formNul = await t.app.inject({
      method: 'POST',
      url: '/auth/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'grant_type=client_credentials&client_id=a%00b&client_secret=secret',
    });
    assert.equal(formNul.statusCode, 401, formNul.body);
    for (const url of [
      '/admin/clients/a%00b/disable',
      '/admin/clients/a%00b/rotate-secret',
      '/admin/users/a%00b/disable',
    ]) {
      const response = await t.app.inject({
        method: 'POST',
        url,
        headers: { authorization: admin },
      });
      assert.equal(response.statusCode, 404, `${url}: ${response.body}`);
    }
    const removed = await t.app.inject({
      method: 'DELETE',
      url: '/admin/clients/a%00b',
      headers: { authorization: admin },
    });
    assert.equal(removed.statusCode, 404, removed.body);
  });

  test('a date of birth that is no calendar date: 422; real ones, 29 February of a leap year included, are taken', async () => {
    for (const date of [
      '2020-02-30',
      '2019-02-29',
      '2021-04-31',
      '2021-00-10',
      '2021-01-00',
      '2019-02-29T00:00:00.000Z',
      '2020-01-01T24:00:00Z',
      '2020-01-01T23:60:00Z',
      '2020-01-01T23:59:61Z',
      '2020-01-01T10:00:00+24:00',
    ]) {
      const created = await json('POST', '/players/', newPlayer(70, { dateOfBirth: date }), write);
      assert.equal(created.statusCode, 422, `${date}: ${created.body}`);
      assert.equal(created.json().errors[0].field, 'dateOfBirth');
    }
    for (const [n, date] of [
      [71, '2020-02-29'],
      [72, '2000-02-29T12:30:00.000Z'],
      [73, '1987-06-24T23:59:59+05:30'],
    ] as const) {
      const created = await json('POST', '/players/', newPlayer(n, { dateOfBirth: date }), write);
      assert.equal(created.statusCode, 201, `${date}: ${created.body}`);
    }
  });

  test('a squad number in the path is decimal digits: 0x10, 1e1, 10.0, +10 are 422', async () => {
    for (const path of ['0x10', '1e1', '10.0', '+10', '%2010', '10%20']) {
      const response = await t.app.inject({ url: `/players/squadnumber/${path}` });
      assert.equal(response.statusCode, 422, `${path}: ${response.body}`);
      assert.equal(response.json().errors[0].field, 'squadNumber');
    }
    const removed = await t.app.inject({
      method: 'DELETE',
      url: '/players/squadnumber/1e1',
      headers: { authorization: write },
    });
    assert.equal(removed.statusCode, 422);
    assert.equal((await t.app.inject({ url: '/players/squadnumber/10' })).statusCode, 200);
  });
});
