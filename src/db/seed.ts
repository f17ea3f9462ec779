import { readFileSync } from 'node:fs';
import type { Kysely } from 'kysely';
import { type Player, toRow } from '../players/player.js';
import type { Schema } from './schema.js';

// Next to this module in src/db/, next to the bundle in dist/ (scripts/build.mjs copies it).
const SEED_FILE = new URL('./seed-players.json', import.meta.url);
/** Recorded beside the migrations so that the seed runs on the first start only. */
export const SEED_VERSION = 'seed_players';

export function readSeedPlayers(): Player[] {
  return JSON.parse(readFileSync(SEED_FILE, 'utf8')) as Player[];
}

/** Inserts the seed players that are missing (by id or squad number); returns how many. */
export async function insertSeedPlayers(db: Kysely<Schema>): Promise<number> {
  let inserted = 0;
  for (const player of readSeedPlayers()) {
    const result = await db
      .insertInto('players')
      .values(toRow(player))
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    inserted += Number(result.numInsertedOrUpdatedRows ?? 0);
  }
  return inserted;
}

/** Seeds on the first start only: a squad emptied on purpose stays empty after a restart. */
export async function seedOnFirstStart(db: Kysely<Schema>, applied: Set<string>): Promise<void> {
  if (applied.has(SEED_VERSION)) return;
  await insertSeedPlayers(db);
  await db
    .insertInto('schema_migrations')
    .values({ version: SEED_VERSION, applied_at: Date.now() })
    .execute();
}
