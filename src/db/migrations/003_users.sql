CREATE TABLE users (
  id TEXT PRIMARY KEY,
  username TEXT NOT NULL,
  -- NFKC, lower-cased: "Ａlice" and "alice" are one account.
  username_key TEXT NOT NULL,
  full_name TEXT,
  password_hash TEXT NOT NULL,
  scopes TEXT NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);

CREATE UNIQUE INDEX users_username_key ON users (username_key);

CREATE TABLE refresh_tokens (
  id TEXT PRIMARY KEY,
  digest TEXT NOT NULL,
  family_id TEXT NOT NULL,
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  client_id TEXT NOT NULL,
  scopes TEXT NOT NULL,
  -- active: may be used once; used: exchanged for a new pair; revoked: its family is dead.
  status TEXT NOT NULL CHECK (status IN ('active', 'used', 'revoked')),
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  used_at BIGINT
);

CREATE UNIQUE INDEX refresh_tokens_digest ON refresh_tokens (digest);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_user ON refresh_tokens (user_id);
