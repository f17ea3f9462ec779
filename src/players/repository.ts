import type { Expression, ExpressionBuilder, Kysely, SqlBool } from 'kysely';
import { isUniqueViolation } from '../db/errors.js';
import type { RunWrite } from '../db/group-commit.js';
import type { PlayersTable, Schema } from '../db/schema.js';
import { fromRow, type Player, toRow } from './player.js';

export interface PlayerRepository {
  list(): Promise<Player[]>;
  findById(id: string): Promise<Player | undefined>;
  findBySquadNumber(squadNumber: number): Promise<Player | undefined>;
  /** False when the squad number is taken (the database's unique index decides). */
  create(player: Player): Promise<boolean>;
  /**
   * Replaces every field but the id; false when no player has that number or, given
   * `expected`, when the stored player is no longer that one (compare and set, in one
   * statement).
   */
  replace(player: Omit<Player, 'id'>, expected?: Player): Promise<boolean>;
  /** False when no player has that number or, given `expected`, it is no longer that one. */
  delete(squadNumber: number, expected?: Player): Promise<boolean>;
}

/** A condition that the stored row is `expected`, column by column (null-safe). */
const storedAs =
  (expected: Player) =>
  (eb: ExpressionBuilder<Schema, 'players'>): Expression<SqlBool> =>
    eb.and(
      Object.entries(toRow(expected)).map(([column, value]) =>
        value === null
          ? eb(column as keyof PlayersTable, 'is', null)
          : eb(column as keyof PlayersTable, '=', value as never),
      ),
    );

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
    async replace(player, expected) {
      const { id: _id, squad_number, ...fields } = toRow({ ...player, id: '' });
      const result = await write((trx) => {
        const update = trx
          .updateTable('players')
          .set(fields)
          .where('squad_number', '=', squad_number);
        return (
          expected === undefined ? update : update.where(storedAs(expected))
        ).executeTakeFirst();
      });
      return result.numUpdatedRows > 0n;
    },
    async delete(squadNumber, expected) {
      const result = await write((trx) => {
        const remove = trx.deleteFrom('players').where('squad_number', '=', squadNumber);
        return (
          expected === undefined ? remove : remove.where(storedAs(expected))
        ).executeTakeFirst();
      });
      return result.numDeletedRows > 0n;
    },
  };
}
