import type { Kysely } from 'kysely';
import { isUniqueViolation } from '../db/errors.js';
import type { RunWrite } from '../db/group-commit.js';
import type { Schema } from '../db/schema.js';
import { fromRow, type Player, toRow } from './player.js';

export interface PlayerRepository {
  list(): Promise<Player[]>;
  findById(id: string): Promise<Player | undefined>;
  findBySquadNumber(squadNumber: number): Promise<Player | undefined>;
  /** False when the squad number is taken (the database's unique index decides). */
  create(player: Player): Promise<boolean>;
  /** Replaces every field but the id; false when no player has that number. */
  replace(player: Omit<Player, 'id'>): Promise<boolean>;
  delete(squadNumber: number): Promise<boolean>;
}

/** Reads on `db`; each change goes through `write` (the database's, which may group commits). */
export function playerRepository(db: Kysely<Schema>, write: RunWrite): PlayerRepository {
  const players = () => db.selectFrom('players').selectAll();
  return {
    async list() {
      return (await players().orderBy('squad_number').execute()).map(fromRow);
    },
    async findById(id) {
      const row = await players().where('id', '=', id).executeTakeFirst();
      return row && fromRow(row);
    },
    async findBySquadNumber(squadNumber) {
      const row = await players().where('squad_number', '=', squadNumber).executeTakeFirst();
      return row && fromRow(row);
    },
    async create(player) {
      try {
        await write((trx) => trx.insertInto('players').values(toRow(player)).execute());
        return true;
      } catch (error) {
        if (isUniqueViolation(error)) return false;
        throw error;
      }
    },
    async replace(player) {
      const { id: _id, squad_number, ...fields } = toRow({ ...player, id: '' });
      const result = await write((trx) =>
        trx
          .updateTable('players')
          .set(fields)
          .where('squad_number', '=', squad_number)
          .executeTakeFirst(),
      );
      return result.numUpdatedRows > 0n;
    },
    async delete(squadNumber) {
      const result = await write((trx) =>
        trx.deleteFrom('players').where('squad_number', '=', squadNumber).executeTakeFirst(),
      );
      return result.numDeletedRows > 0n;
    },
  };
}
