import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { basic, newPlayer, tempDir, testDatabaseUrl } from '../helpers.js';
import { startServer } from '../process.js';

const CLIENT = {
  BOOTSTRAP_CLIENT_ID: 'crash-client',
  BOOTSTRAP_CLIENT_SECRET: 'crash-secret-0123456789abcdef0123456789',
};

describe('crash safety', { timeout: 120_000 }, () => {
  test('SIGKILL during a burst of writes: every acknowledged write survives, none is half-written', async () => {
    const { dir, cleanup } = tempDir();
    const env = {
      ...CLIENT,
      DATABASE_URL: testDatabaseUrl(dir),
      LOG_LEVEL: 'info',
      RATE_LIMIT_WRITES_PER_CLIENT: '0',
    };
    const server = await startServer(env);
    const token = (
      (await (
        await fetch(`${server.url}/auth/token`, {
          method: 'POST',
          headers: {
            authorization: basic(CLIENT.BOOTSTRAP_CLIENT_ID, CLIENT.BOOTSTRAP_CLIENT_SECRET),
            'content-type': 'application/x-www-form-urlencoded',
          },
          body: 'grant_type=client_credentials',
        })
      ).json()) as { access_token: string }
    ).access_token;
    const taken = new Set(
      ((await (await fetch(`${server.url}/players/`)).json()) as { squadNumber: number }[]).map(
        (p) => p.squadNumber,
      ),
    );
    const free = Array.from({ length: 99 }, (_, i) => i + 1).filter((n) => !taken.has(n));
    const bodies = new Map(
      free.map((n) => [
        n,
        newPlayer(n, { team: `Crash FC ${n}`, league: 'Test League', starting11: n % 2 === 0 }),
      ]),
    );

    const acknowledged = new Map<number, unknown>();
    let next = 0;
    const writer = async () => {
      while (next < free.length) {
        const n = free[next++] as number;
        try {
          const response = await fetch(`${server.url}/players/`, {
            method: 'POST',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            body: JSON.stringify(bodies.get(n)),
          });
          if (response.status === 201) acknowledged.set(n, await response.json());
        } catch {
          return; // the server is gone
        }
      }
    };
    const writers = Array.from({ length: 6 }, writer);
    // Kill once a good part of the burst is acknowledged, while writes are still in flight.
    while (acknowledged.size < Math.min(25, free.length / 2))
      await new Promise((r) => setTimeout(r, 2));
    await server.stop('SIGKILL');
    await Promise.all(writers);
    assert.ok(acknowledged.size >= 25, `${acknowledged.size} writes acknowledged before the kill`);
    assert.ok(acknowledged.size < free.length, 'the kill landed mid-burst');

    const restarted = await startServer(env);
    const stored = (await (await fetch(`${restarted.url}/players/`)).json()) as {
      squadNumber: number;
      id: string;
    }[];
    const byNumber = new Map(stored.map((p) => [p.squadNumber, p]));
    for (const [n, player] of acknowledged)
      assert.deepEqual(byNumber.get(n), player, `acknowledged player ${n} survived intact`);
    for (const player of stored) {
      if (taken.has(player.squadNumber)) continue;
      const { id: _id, ...fields } = player;
      assert.deepEqual(
        fields,
        bodies.get(player.squadNumber),
        `player ${player.squadNumber} is whole, not half-written`,
      );
    }
    assert.equal(await restarted.stop(), 0);
    cleanup();
  });
});
