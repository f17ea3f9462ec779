import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadSqliteDriver, SQLITE_DRIVERS } from '../../src/db/database.js';

const openAndQuery = (SQLite: ReturnType<typeof loadSqliteDriver>) => {
  const db = new SQLite(':memory:');
  try {
    return db.prepare('SELECT 1 AS one').get();
  } finally {
    db.close();
  }
};

test('the SQLite driver this Node loads opens a database and answers a query', () => {
  assert.deepEqual(openAndQuery(loadSqliteDriver()), { one: 1 });
});

test('a driver that is not installed gives way to the next one', () => {
  assert.deepEqual(openAndQuery(loadSqliteDriver(['no-such-sqlite-driver', ...SQLITE_DRIVERS])), {
    one: 1,
  });
});

test('with no SQLite driver installed, the start fails with one line that names each and says what a build needs', () => {
  assert.throws(
    () => loadSqliteDriver(['no-such-sqlite-driver', 'nor-this-one']),
    (error: Error) => {
      assert.equal(
        error.message,
        'DATABASE_URL is sqlite:, but no SQLite driver could be loaded (no-such-sqlite-driver is not installed; nor-this-one is not installed). `npm ci` builds it from source where no prebuilt binary fits, which needs python3, make and g++.',
      );
      return true;
    },
  );
});
