import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadSqliteDriver } from '../../src/db/database.js';

test('the SQLite driver this Node loads opens a database and answers a query', () => {
  const SQLite = loadSqliteDriver();
  const db = new SQLite(':memory:');
  try {
    assert.deepEqual(db.prepare('SELECT 1 AS one').get(), { one: 1 });
  } finally {
    db.close();
  }
});

test('a SQLite driver that is not installed is named in one line that says how to get it', () => {
  assert.throws(
    () => loadSqliteDriver('no-such-sqlite-driver'),
    (error: Error) => {
      assert.match(
        error.message,
        /^DATABASE_URL is sqlite:, but the SQLite driver no-such-sqlite-driver could not be loaded \(Cannot find module 'no-such-sqlite-driver'/,
      );
      assert.match(error.message, /python3, make and g\+\+/);
      assert.doesNotMatch(error.message, /\n/);
      return true;
    },
  );
});
