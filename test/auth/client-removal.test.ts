import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { clientRepository } from '../../src/auth/client-repository.js';
import {
  basic,
  newPlayer,
  startTestApp,
  type TestApp,
  type TestClient,
  testClock,
} from '../helpers.js';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const PASSWORD = 'a long enough passphrase';

describe("a deleted or disabled client's tokens", () => {
  const clock = testClock();
  let t: TestApp;
  before(async () => {
    // The test app's own client holds `introspect`: it looks at the others' tokens.
    t = await startTestApp({}, { now: clock.now }, ['write', 'introspect']);
    await t.app.services.users.registerUser({ username: 'erin', password: PASSWORD });
  });
  after(() => t.close());

  async function newClient(): Promise<TestClient> {
    const made = await t.app.services.clients.createClient({
      name: 'short-lived',
      scopes: ['write'],
    });
    return { id: made.client.id, secret: made.secret };
  }
  async function userToken(client?: TestClient): Promise<string> {
    const response = await t.app.inject({
      method: 'POST',
      url: '/auth/token',
      headers: { ...FORM, ...(client && { authorization: basic(client.id, client.secret) }) },
      payload: `grant_type=password&username=erin&password=${encodeURIComponent(PASSWORD)}`,
    });
    assert.equal(response.statusCode, 200, response.body);
    return response.json().access_token;
  }
  const read = (token: string) =>
    t.app.inject({ url: '/protected', headers: { authorization: `Bearer ${token}` } });
  const write = (token: string, squadNumber: number) =>
    t.app.inject({
      method: 'POST',
      url: '/players/',
      headers: { authorization: `Bearer ${token}` },
      payload: newPlayer(squadNumber),
    });
  const introspect = async (token: string) =>
    (
      await t.app.inject({
        method: 'POST',
        url: '/auth/introspect',
        headers: { ...FORM, authorization: basic(t.client.id, t.client.secret) },
        payload: `token=${token}`,
      })
    ).json();

  test("deleted here: refused on the next request, its users' tokens too; others unaffected", async () => {
    const gone = await newClient();
    const own = await t.token(undefined, gone);
    const users = await userToken(gone);
    const unseen = await t.token(undefined, gone);
    for (const token of [own, users]) {
      assert.equal((await read(token)).statusCode, 200);
      assert.equal((await introspect(token)).active, true);
    }

    await t.app.services.clients.deleteClient(gone.id);

    for (const token of [own, users]) {
      const refused = await read(token);
      assert.equal(refused.statusCode, 401);
      assert.match(
        String(refused.headers['www-authenticate']),
        /error="invalid_token", error_description="The token's client has been deleted or disabled\."/,
      );
      assert.equal((await write(token, 93)).statusCode, 401);
      assert.deepEqual(await introspect(token), { active: false });
    }
    assert.equal((await read(unseen)).statusCode, 401, 'a token first shown after: 401, not 500');
    assert.equal((await t.app.inject({ url: '/players/squadnumber/93' })).statusCode, 404);
    assert.equal((await read(await t.token())).statusCode, 200, 'another client still works');
    assert.equal((await read(await userToken())).statusCode, 200, 'the public client too');
  });

  test('deleted or disabled by another process: refused once the 5 s copy expires', async () => {
    const repository = clientRepository(t.app.services.database.db);
    for (const change of ['delete', 'disable'] as const) {
      const client = await newClient();
      const token = await t.token(undefined, client);
      assert.equal((await read(token)).statusCode, 200);
      if (change === 'delete') await repository.delete(client.id);
      else await repository.update(client.id, { disabled: true }, clock.now());
      assert.equal((await read(token)).statusCode, 200, `${change}: the copy in memory stands`);
      clock.advance(6);
      assert.equal((await read(token)).statusCode, 401, `${change}: refused after 5 s`);
      assert.equal((await write(token, 94)).statusCode, 401);
    }
  });
});
