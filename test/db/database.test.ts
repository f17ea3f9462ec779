import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { test } from 'node:test';
import { Worker } from 'node:worker_threads';
import {
  loadSqliteDriver,
  reusingStatements,
  SQLITE_DRIVERS,
  switchToWal,
} from '../../src/db/database.js';
import { tempDir } from '../helpers.js';

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

test('a new file another connection holds: the switch to WAL waits for it, where SQLite answers busy at once', async () => {
  const { dir, cleanup } = tempDir();
  const file = join(dir, 'held.db');
  const resolveDriver = createRequire(import.meta.url).resolve;
  const driver = SQLITE_DRIVERS.flatMap((name) => {
    try {
      return [resolveDriver(name)];
    } catch {
      return [];
    }
  })[0];
  // Another connection, on a thread of its own, holds the new file for 300 ms.
  const holder = new Worker(
    `const { parentPort, workerData } = require('node:worker_threads');
    const db = new (require(workerData.driver))(workerData.file);
    db.exec('BEGIN EXCLUSIVE');
    parentPort.postMessage('held');
    setTimeout(() => { db.exec('COMMIT'); db.close(); }, 300);`,
    { eval: true, workerData: { driver, file } },
  );
  await once(holder, 'message');
  const SQLite = loadSqliteDriver();
  // No busy handler: only the retry can wait, as in the deadlock SQLite answers at once.
  const connection = new SQLite(file, { timeout: 0 });
  assert.throws(() => connection.pragma('journal_mode = WAL'), { code: 'SQLITE_BUSY' });
  switchToWal(connection);
  assert.equal(connection.pragma('journal_mode', { simple: true }), 'wal');
  connection.close();
  await once(holder, 'exit');
  cleanup();
});

test('statements are prepared once and reused, the least recently used dropped past 256', () => {
  const SQLite = loadSqliteDriver();
  const raw = new SQLite(':memory:');
  let prepared = 0;
  const counted = {
    prepare(query: string) {
      prepared += 1;
      return raw.prepare(query);
    },
    close: () => raw.close(),
  };
  const db = reusingStatements(counted);
  db.prepare('CREATE TABLE t (n INTEGER)').run([]);
  const insert = db.prepare('INSERT INTO t (n) VALUES (?)');
  for (let n = 0; n < 3; n++)
    assert.equal(db.prepare('INSERT INTO t (n) VALUES (?)').run([n]).changes, 1);
  assert.equal(db.prepare('INSERT INTO t (n) VALUES (?)'), insert);
  assert.deepEqual(db.prepare('SELECT count(*) AS c FROM t').all([]), [{ c: 3 }]);
  assert.equal(prepared, 3);
  for (let i = 0; i < 256; i++) db.prepare(`SELECT ${i}`);
  assert.notEqual(db.prepare('INSERT INTO t (n) VALUES (?)'), insert, 'dropped, prepared again');
  assert.equal(prepared, 3 + 256 + 1);
  db.close();
});
