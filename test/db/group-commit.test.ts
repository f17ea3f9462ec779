import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { openDatabase } from '../../src/db/database.js';
import { isUniqueViolation } from '../../src/db/errors.js';
import { migrate } from '../../src/db/migrate.js';
import { toRow } from '../../src/players/player.js';
import { tempDir } from '../helpers.js';

const row = (squadNumber: number, id = `00000000-0000-4000-8000-0000000000${squadNumber}`) =>
  toRow({ id, firstName: 'Group', lastName: 'Commit', squadNumber, position: 'Midfielder' });

describe('SQLite group commit', () => {
  test('writes of one turn commit together: each resolves once committed, a failing one leaves the others in', async () => {
    const { dir, cleanup } = tempDir();
    const url = `sqlite:${join(dir, 'g.db')}`;
    const database = openDatabase(url);
    await migrate(database);
    const insert = (squadNumber: number, id?: string) =>
      database.write((db) => db.insertInto('players').values(row(squadNumber, id)).execute());

    const results = await Promise.allSettled([
      insert(90),
      insert(90, '00000000-0000-4000-8000-000000000999'),
      insert(91),
    ]);
    assert.deepEqual(
      results.map((r) => r.status),
      ['fulfilled', 'rejected', 'fulfilled'],
    );
    assert.ok(isUniqueViolation((results[1] as PromiseRejectedResult).reason));

    // Resolved means committed: another connection to the file already sees both rows.
    const other = openDatabase(url);
    const numbers = await other.db
      .selectFrom('players')
      .select('squad_number')
      .where('squad_number', '>=', 90)
      .orderBy('squad_number')
      .execute();
    assert.deepEqual(
      numbers.map((n) => n.squad_number),
      [90, 91],
    );
    await other.close();
    await database.close();
    cleanup();
  });
});
