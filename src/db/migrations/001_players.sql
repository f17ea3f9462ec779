CREATE TABLE players (
  id TEXT PRIMARY KEY,
  first_name TEXT NOT NULL,
  middle_name TEXT,
  last_name TEXT NOT NULL,
  date_of_birth TEXT,
  squad_number INTEGER NOT NULL CHECK (squad_number BETWEEN 1 AND 99),
  position TEXT NOT NULL,
  abbr_position TEXT,
  team TEXT,
  league TEXT,
  starting11 INTEGER CHECK (starting11 IN (0, 1))
);

-- Uniqueness lives in the database so that concurrent writers cannot both win.
CREATE UNIQUE INDEX players_squad_number ON players (squad_number);
