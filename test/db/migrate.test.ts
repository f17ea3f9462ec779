import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { sql } from 'kysely';
import { openDatabase } from '../../src/db/database.js';
import { migrate, readMigrations } from '../../src/db/migrate.js';
import { insertSeedPlayers, SEED_VERSION, seedOnFirstStart } from '../../src/db/seed.js';
import { tempDir, testDatabaseUrl } from '../helpers.js';
import { runCliAsync } from '../process.js';

describe('migrations and seed', () => {
  test('a second run changes nothing; the seed runs on the first start only', async () => {
    const { dir, cleanup } = tempDir();
    const url = `sqlite:${join(dir, 'm.db')}`;
    const first = openDatabase(url);
    const applied = await migrate(first, seedOnFirstStart);
    assert.deepEqual(
      applied,
      readMigrations().map((m) => m.version),
    );
    const count = async (db = first) =>
      Number(
        (
          await db.db
            .selectFrom('players')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    assert.equal(await count(), 26);
    await first.db.deleteFrom('players').execute();
    await first.close();

    const second = openDatabase(url);
    assert.deepEqual(await migrate(second, seedOnFirstStart), []);
    assert.equal(await count(second), 0, 'an emptied squad stays empty after a restart');
    const versions = await second.db.selectFrom('schema_migrations').select('version').execute();
    assert.ok(versions.some((v) => v.version === SEED_VERSION));
    assert.equal(await insertSeedPlayers(second.db), 26, 'the explicit seed command restores them');
    assert.equal(await insertSeedPlayers(second.db), 0);
    await second.close();
    cleanup();
  });

  test('processes migrating an empty database at once: one applies, the others find it done', async () => {
    const { dir, cleanup } = tempDir();
    const runs = await Promise.all(Array.from({ length: 4 }, () => runCliAsync(dir, ['migrate'])));
    assert.deepEqual(
      runs.map((r) => [r.code, r.stderr]),
      runs.map(() => [0, '']),
    );
    const all = readMigrations().map((m) => m.version);
    assert.deepEqual(runs.map((r) => r.stdout.trim()).sort(), [
      'already up to date',
      'already up to date',
      'already up to date',
      `applied ${all.join(', ')}`,
    ]);
    const database = openDatabase(testDatabaseUrl(dir));
    const players = await database.db.selectFrom('players').select('id').execute();
    assert.equal(players.length, 26, 'seeded once');
    if (database.schema !== undefined) {
      await sql`drop schema ${sql.id(database.schema)} cascade`.execute(database.db);
    }
    await database.close();
    cleanup();
  });

  test('SQLite runs in WAL mode with foreign keys on', async () => {
    const { dir, cleanup } = tempDir();
    const database = openDatabase(`sqlite:${join(dir, 'w.db')}`);
    const mode = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(database.db);
    assert.equal(mode.rows[0]?.journal_mode, 'wal');
    const fk = await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(database.db);
    assert.equal(fk.rows[0]?.foreign_keys, 1);
    await database.close();
    cleanup();
  });
});
