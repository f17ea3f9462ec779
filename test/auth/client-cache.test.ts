import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clientCache } from '../../src/auth/client-cache.js';
import type { OAuthClient } from '../../src/auth/client-repository.js';
import { testClock } from '../helpers.js';

const record = (id: string, name = 'reporting'): OAuthClient => ({
  ...{ id, name, scopes: ['write'], secretDigest: 'x', origin: 'cli', disabled: false },
  ...{ createdAt: 0, updatedAt: 0 },
});

/** A table the cache reads from, whose reads answer only when `settle` is called. */
function slowTable() {
  const rows = new Map<string, OAuthClient>();
  const waiting: (() => void)[] = [];
  let reads = 0;
  return {
    rows,
    reads: () => reads,
    load(id: string): Promise<OAuthClient | undefined> {
      reads += 1;
      const row = rows.get(id);
      return new Promise((resolve) => waiting.push(() => resolve(row)));
    },
    settle() {
      for (const answer of waiting.splice(0)) answer();
    },
  };
}

test('requests asking at once share one read; the answer is kept for the TTL', async () => {
  const table = slowTable();
  const clock = testClock();
  const cache = clientCache(table.load, 5000, clock.now);
  table.rows.set('a', record('a'));
  const asked = [cache.read('a', false), cache.read('a', false), cache.read('a', true)];
  table.settle();
  for (const client of await Promise.all(asked)) assert.equal(client?.id, 'a');
  assert.equal(table.reads(), 1);
  assert.equal(cache.peek('a')?.client?.id, 'a');
  clock.advance(5);
  assert.equal(cache.peek('a'), undefined, 'expired after 5 s');
});

test('a read that overlapped a change is answered but not kept', async () => {
  const table = slowTable();
  const cache = clientCache(table.load, 5000, testClock().now);
  table.rows.set('a', record('a', 'before'));
  const stale = cache.read('a', false);
  table.rows.set('a', record('a', 'after'));
  cache.forget('a');
  const fresh = cache.read('a', false);
  table.settle();
  assert.equal((await stale)?.name, 'before');
  assert.equal((await fresh)?.name, 'after', 'a read after the change starts afresh');
  assert.equal(cache.peek('a')?.client?.name, 'after');
  assert.equal(table.reads(), 2);
});

test('an absence is remembered only when asked (ids from signed tokens, not from requests)', async () => {
  const table = slowTable();
  const cache = clientCache(table.load, 5000, testClock().now);
  const madeUp = cache.read('made-up', false);
  table.settle();
  assert.equal(await madeUp, undefined);
  assert.equal(cache.peek('made-up'), undefined);
  const deleted = cache.read('deleted', true);
  table.settle();
  assert.equal(await deleted, undefined);
  const held = cache.peek('deleted');
  assert.ok(held !== undefined && held.client === undefined, 'kept as known gone');
});

test('a failed read is not kept and does not block the next one', async () => {
  let fail = true;
  const cache = clientCache(
    async (id) => {
      if (fail) throw new Error('database unreachable');
      return record(id);
    },
    5000,
    testClock().now,
  );
  await assert.rejects(cache.read('a', true), /database unreachable/);
  assert.equal(cache.peek('a'), undefined);
  fail = false;
  assert.equal((await cache.read('a', true))?.id, 'a');
});
