import type { Generated } from 'kysely';

/** Epoch milliseconds; BIGINT in PostgreSQL, INTEGER in SQLite. */
type Millis = number;
/** 0 or 1: both dialects store flags as integers so rows read the same everywhere. */
type Flag = number;

export interface PlayersTable {
  id: string;
  first_name: string;
  middle_name: string | null;
  last_name: string;
  date_of_birth: string | null;
  squad_number: number;
  position: string;
  abbr_position: string | null;
  team: string | null;
  league: string | null;
  starting11: Flag | null;
}

export interface OAuthClientsTable {
  id: string;
  name: string;
  scopes: string;
  secret_digest: string;
  origin: string;
  disabled: Generated<Flag>;
  created_at: Millis;
  updated_at: Millis;
}

export interface SigningKeysTable {
  kid: string;
  alg: string;
  public_jwk: string;
  private_key: string;
  created_at: Millis;
  retired_at: Millis | null;
}

export interface RevokedTokensTable {
  jti: string;
  expires_at: Millis;
}

export interface UsersTable {
  id: string;
  username: string;
  username_key: string;
  full_name: string | null;
  password_hash: string;
  scopes: string;
  disabled: Generated<Flag>;
  created_at: Millis;
  updated_at: Millis;
}

export interface RefreshTokensTable {
  id: string;
  digest: string;
  family_id: string;
  user_id: string;
  client_id: string;
  scopes: string;
  status: 'active' | 'used' | 'revoked';
  created_at: Millis;
  expires_at: Millis;
  used_at: Millis | null;
}

export interface SchemaMigrationsTable {
  version: string;
  applied_at: Millis;
}

export interface Schema {
  players: PlayersTable;
  oauth_clients: OAuthClientsTable;
  signing_keys: SigningKeysTable;
  revoked_tokens: RevokedTokensTable;
  users: UsersTable;
  refresh_tokens: RefreshTokensTable;
  schema_migrations: SchemaMigrationsTable;
}
