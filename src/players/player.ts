import type { Selectable } from 'kysely';
import type { PlayersTable } from '../db/schema.js';

/** A player as the API shows it (camelCase, optional fields left out when unset). */
export interface Player {
  id: string;
  firstName: string;
  middleName?: string;
  lastName: string;
  dateOfBirth?: string;
  squadNumber: number;
  position: string;
  abbrPosition?: string;
  team?: string;
  league?: string;
  starting11?: boolean;
}

export type PlayerInput = Omit<Player, 'id'>;

export function toRow(player: Player): PlayersTable {
  return {
    id: player.id,
    first_name: player.firstName,
    middle_name: player.middleName ?? null,
    last_name: player.lastName,
    date_of_birth: player.dateOfBirth ?? null,
    squad_number: player.squadNumber,
    position: player.position,
    abbr_position: player.abbrPosition ?? null,
    team: player.team ?? null,
    league: player.league ?? null,
    starting11: player.starting11 === undefined ? null : Number(player.starting11),
  };
}

export function fromRow(row: Selectable<PlayersTable>): Player {
  const player: Player = {
    id: row.id,
    firstName: row.first_name,
    lastName: row.last_name,
    squadNumber: row.squad_number,
    position: row.position,
  };
  if (row.middle_name !== null) player.middleName = row.middle_name;
  if (row.date_of_birth !== null) player.dateOfBirth = row.date_of_birth;
  if (row.abbr_position !== null) player.abbrPosition = row.abbr_position;
  if (row.team !== null) player.team = row.team;
  if (row.league !== null) player.league = row.league;
  if (row.starting11 !== null) player.starting11 = row.starting11 === 1;
  return player;
}

type Nullable<T> = { [K in keyof T]: T[K] | null };

/** The stored form of a request body: null and absent both mean "not given". */
export function playerFrom(id: string, input: Nullable<PlayerInput>): Player {
  const player = { id } as Record<string, unknown>;
  for (const [key, value] of Object.entries(input)) {
    if (value !== null && value !== undefined) player[key] = value;
  }
  return player as unknown as Player;
}
