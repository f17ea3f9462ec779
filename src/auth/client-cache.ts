import type { OAuthClient } from './client-repository.js';

interface Read {
  done: Promise<OAuthClient | undefined>;
  /** The count of `forget` calls when the read began. */
  asOf: number;
}

/**
 * Client records held in memory for `ttlMs`, so neither the token endpoint nor the bearer
 * guard reads the database on every request. Changes made in this process drop the copy at
 * once (`forget`); another process's changes arrive as an event, or when the copy expires.
 */
export function clientCache(
  load: (id: string) => Promise<OAuthClient | undefined>,
  ttlMs: number,
  now: () => number,
) {
  // `client: undefined` is a client found gone, remembered only when the caller asked.
  const records = new Map<string, { client: OAuthClient | undefined; until: number }>();
  const reads = new Map<string, Read>();
  // A read that overlapped a `forget` may have seen the old record: it is not kept.
  let forgets = 0;

  function startRead(id: string): Read {
    const read = { done: load(id), asOf: forgets };
    reads.set(id, read);
    const settle = () => {
      if (reads.get(id) === read) reads.delete(id);
    };
    read.done.then(settle, settle);
    return read;
  }

  return {
    /** The record in memory while fresh: `{ client: undefined }` for a client known gone. */
    peek(id: string): { client: OAuthClient | undefined } | undefined {
      const held = records.get(id);
      return held !== undefined && held.until > now() ? held : undefined;
    },

    /**
     * Reads the client from the database, once for all who ask while that read runs.
     * An absence is kept only with `rememberAbsence`: for ids taken from a signed token,
     * never for ids a request made up, which could otherwise fill memory.
     */
    async read(id: string, rememberAbsence: boolean): Promise<OAuthClient | undefined> {
      const read = reads.get(id) ?? startRead(id);
      const client = await read.done;
      if (read.asOf === forgets && (client !== undefined || rememberAbsence)) {
        records.set(id, { client, until: now() + ttlMs });
      }
      return client;
    },

    forget(id: string): void {
      forgets += 1;
      records.delete(id);
      reads.delete(id);
    },
  };
}
