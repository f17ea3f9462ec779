import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import { startTestApp, type TestApp, testClock } from '../helpers.js';

// A secret that has passed once is checked against a hash kept with the client's record in
// memory; these pin down that nothing but a fresh pass against the stored digest lets it in.
describe('client authentication with a secret that passed before', () => {
  const clock = testClock();
  let t: TestApp;
  let other: FastifyInstance;
  before(async () => {
    t = await startTestApp({}, { now: clock.now });
    // Another instance on the same database.
    other = await buildApp({ config: t.config, logger: false, now: clock.now });
  });
  after(async () => {
    await other.close();
    await t.close();
  });

  const newClient = (name: string) =>
    t.app.services.clients.createClient({ name, scopes: ['write'] });
  /** The id of the client authenticated, or undefined. */
  const authenticate = async (id: string, secret: string) =>
    (await t.app.services.clients.authenticateClient(id, secret))?.id;

  test('a wrong secret is refused after the right one passed, and the right one still passes', async () => {
    const { client, secret } = await newClient('repeat');
    for (let i = 0; i < 3; i++) assert.equal(await authenticate(client.id, secret), client.id);
    assert.equal(await authenticate(client.id, `${secret.slice(0, -1)}x`), undefined);
    assert.equal(await authenticate(client.id, ''), undefined);
    assert.equal(await authenticate('someone-else', secret), undefined);
    assert.equal(await authenticate(client.id, secret), client.id);
  });

  test('a secret rotated by another instance: the old one is refused once the copy is re-read', async () => {
    const { client, secret } = await newClient('rotated elsewhere');
    assert.equal(await authenticate(client.id, secret), client.id);
    assert.equal(await authenticate(client.id, secret), client.id);
    const rotated = await other.services.clients.rotateClientSecret(client.id);
    clock.advance(6);
    assert.equal(await authenticate(client.id, secret), undefined);
    assert.equal(await authenticate(client.id, rotated), client.id);
    assert.equal(await authenticate(client.id, rotated), client.id);
  });

  test('disabled by another instance after passing: refused once the copy is re-read', async () => {
    const { client, secret } = await newClient('disabled elsewhere');
    assert.equal(await authenticate(client.id, secret), client.id);
    await other.services.clients.setClientDisabled(client.id, true);
    clock.advance(6);
    assert.equal(await authenticate(client.id, secret), undefined);
  });
});
