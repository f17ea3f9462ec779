import type { Player } from './player.js';
import type { PlayerRepository } from './repository.js';

export interface PlayerCacheOptions {
  /** How long a read may be served from memory without a write seen (changes elsewhere). */
  ttlMs: number;
  now: () => number;
  /** Called after each write here, so other instances can drop their copy. */
  onWrite?: () => void;
}

/**
 * The squad is small and read far more than written: reads are served from one in-memory
 * copy, dropped on every write made here and on `invalidate()` (writes announced by other
 * instances), and at most `ttlMs` old otherwise. Reading 26 rows from SQLite measured
 * ~200 µs on this machine: most of a GET's cost.
 */
export function cachedPlayerRepository(inner: PlayerRepository, options: PlayerCacheOptions) {
  let snapshot:
    | { players: Player[]; byId: Map<string, Player>; byNumber: Map<number, Player>; until: number }
    | undefined;
  let loading: Promise<NonNullable<typeof snapshot>> | undefined;
  let generation = 0;

  async function current() {
    if (snapshot !== undefined && snapshot.until > options.now()) return snapshot;
    if (loading === undefined) {
      const started = generation;
      loading = inner.list().then((players) => {
        const fresh = {
          players,
          byId: new Map(players.map((p) => [p.id, p])),
          byNumber: new Map(players.map((p) => [p.squadNumber, p])),
          until: options.now() + options.ttlMs,
        };
        // A write that landed while this read ran makes it stale: use it once, keep none.
        if (started === generation) snapshot = fresh;
        loading = undefined;
        return fresh;
      });
      loading.catch(() => {
        loading = undefined;
      });
    }
    return loading;
  }

  function invalidate(): void {
    generation++;
    snapshot = undefined;
    loading = undefined;
  }

  async function write<T>(work: Promise<T>): Promise<T> {
    try {
      return await work;
    } finally {
      invalidate();
      options.onWrite?.();
    }
  }

  const repository: PlayerRepository & { invalidate(): void } = {
    list: async () => (await current()).players,
    findById: async (id) => (await current()).byId.get(id),
    findBySquadNumber: async (squadNumber) => (await current()).byNumber.get(squadNumber),
    create: (player) => write(inner.create(player)),
    replace: (player, expected) => write(inner.replace(player, expected)),
    delete: (squadNumber, expected) => write(inner.delete(squadNumber, expected)),
    invalidate,
  };
  return repository;
}
