import { type Kysely, sql } from 'kysely';
import type { Schema } from './schema.js';

/** Runs one write; its promise settles once the write is durable (committed). */
export type RunWrite = <T>(work: (db: Kysely<Schema>) => Promise<T>) => Promise<T>;

interface QueuedWrite {
  work: (db: Kysely<Schema>) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * SQLite with `synchronous = FULL` pays one fsync per commit (~0.5 ms on this machine),
 * during which better-sqlite3 holds the event loop. The writes that arrive in one turn of
 * the loop are committed together, one fsync for all; each runs in its own savepoint, so
 * one that fails (a squad number taken) leaves the others in. Every caller's promise
 * settles after the commit: nothing is acknowledged before it is durable.
 */
export function groupCommit(db: Kysely<Schema>): RunWrite {
  let queue: QueuedWrite[] = [];

  async function commit(batch: QueuedWrite[]): Promise<void> {
    const settle: (() => void)[] = [];
    try {
      await db.transaction().execute(async (trx) => {
        for (const { work, resolve, reject } of batch) {
          await sql`savepoint write`.execute(trx);
          try {
            const value = await work(trx);
            settle.push(() => resolve(value));
          } catch (error) {
            await sql`rollback to write`.execute(trx);
            settle.push(() => reject(error));
          }
          await sql`release write`.execute(trx);
        }
      });
    } catch (error) {
      for (const { reject } of batch) reject(error);
      return;
    }
    for (const done of settle) done();
  }

  return <T>(work: (db: Kysely<Schema>) => Promise<T>) =>
    new Promise<T>((resolve, reject) => {
      if (queue.length === 0) {
        setImmediate(() => {
          const batch = queue;
          queue = [];
          void commit(batch);
        });
      }
      queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
    });
}
