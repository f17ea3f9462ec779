import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { atEndOfTurn } from '../../src/http/end-of-turn.js';
import { startTestApp, type TestApp } from '../helpers.js';

describe('answers written at the end of the event loop turn', () => {
  test('callbacks queued in one turn run together, in order; one queued by them runs later', async () => {
    const order: string[] = [];
    await new Promise<void>((resolve) => {
      atEndOfTurn(() => {
        order.push('first');
        atEndOfTurn(() => {
          order.push('queued by first');
          resolve();
        });
      });
      atEndOfTurn(() => order.push('second'));
      setImmediate(() => order.push('setImmediate after both'));
    });
    assert.deepEqual(order, ['first', 'second', 'setImmediate after both', 'queued by first']);
  });

  test('it runs after the work already queued in the turn, not as a microtask', async () => {
    const order: string[] = [];
    const turnEnd = new Promise<void>((resolve) =>
      atEndOfTurn(() => {
        order.push('turn end');
        resolve();
      }),
    );
    let chain = Promise.resolve();
    for (let i = 0; i < 50; i++) chain = chain.then(() => undefined);
    const microtasks = chain.then(() => order.push('microtasks'));
    process.nextTick(() => order.push('tick'));
    await Promise.all([turnEnd, microtasks]);
    assert.deepEqual(order.slice().sort(), ['microtasks', 'tick', 'turn end']);
    assert.equal(order.at(-1), 'turn end');
  });

  describe('on a listening server', () => {
    let t: TestApp;
    let url: string;
    before(async () => {
      t = await startTestApp();
      url = await t.app.listen({ port: 0, host: '127.0.0.1' });
    });
    after(() => t.close());

    test('every one of many answers finished together is written, with its own headers', async () => {
      const responses = await Promise.all(
        Array.from({ length: 64 }, (_, i) =>
          fetch(`${url}/players/`, { headers: { 'x-request-id': `batch-${i}` } }),
        ),
      );
      for (const [i, response] of responses.entries()) {
        assert.equal(response.status, 200);
        assert.equal(((await response.json()) as unknown[]).length, 26);
        assert.equal(response.headers.get('x-request-id'), `batch-${i}`);
        assert.match(response.headers.get('x-duration-ms') ?? '', /^\d+\.\d{2}$/);
      }
    });
  });
});
