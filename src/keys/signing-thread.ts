import type { KeyObject } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import type { SigningKey } from './key-ring.js';

type AsymmetricAlg = Exclude<SigningKey['alg'], 'HS256'>;

interface ThreadKey {
  kid: string;
  alg: AsymmetricAlg;
  key: KeyObject;
}

interface Batch {
  /** Keys the thread has not been sent yet (a KeyObject is cloned once, not per job). */
  keys: ThreadKey[];
  jobs: { kid: string; input: string }[];
}

/** base64url signatures in job order; null where signing failed. */
type BatchResult = (string | null)[];

/**
 * The thread's whole program, plain JavaScript run from source (`eval`): a separate module
 * would need its own entry in the bundle and a loader for the TypeScript sources. It gets
 * Batch messages and answers each with a BatchResult.
 */
const SIGNING_THREAD_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { sign } = require('node:crypto');
const keys = new Map();
function signOne({ alg, key }, data) {
  if (alg === 'EdDSA') return sign(null, data, key);
  return sign('sha256', data, alg === 'ES256' ? { key, dsaEncoding: 'ieee-p1363' } : key);
}
parentPort.on('message', (batch) => {
  for (const key of batch.keys) keys.set(key.kid, key);
  parentPort.postMessage(batch.jobs.map(({ kid, input }) => {
    const key = keys.get(kid);
    if (key === undefined) return null;
    try {
      return signOne(key, Buffer.from(input)).toString('base64url');
    } catch {
      return null;
    }
  }));
});
`;

interface Pending {
  resolve: (signature: string) => void;
  reject: (error: Error) => void;
}

export interface SigningThread {
  /** The base64url JWS signature of `input` under `key` (EdDSA, ES256 or RS256). */
  sign(key: SigningKey, input: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * Signs access tokens on a thread of its own. A signature costs 25-30 µs of CPU, a quarter
 * of a token request: off the event loop it runs on the second core while the loop parses
 * and answers the next requests. Not on libuv's pool, where a signature would wait behind
 * argon2 password hashes (tens of ms each) during a burst of logins. Requests made in one
 * turn of the event loop travel as one message each way.
 */
export function startSigningThread(): SigningThread {
  let worker: Worker | undefined;
  let closed = false;
  let sentKeys = new WeakSet<KeyObject>();
  let queued: { jobs: { key: SigningKey; input: string }[]; waiting: Pending[] } | undefined;
  const inFlight: Pending[][] = [];

  function failAll(error: Error) {
    for (const waiting of inFlight.splice(0)) for (const p of waiting) p.reject(error);
  }

  function thread(): Worker {
    if (worker !== undefined) return worker;
    const started = new Worker(SIGNING_THREAD_SOURCE, { eval: true });
    started.unref();
    started.on('message', (result: BatchResult) => {
      const waiting = inFlight.shift() ?? [];
      waiting.forEach((p, i) => {
        const signature = result[i];
        if (typeof signature === 'string') p.resolve(signature);
        else p.reject(new Error('the signing thread could not sign with this key'));
      });
    });
    const lost = (error: Error) => {
      if (worker !== started) return;
      worker = undefined;
      sentKeys = new WeakSet();
      failAll(error);
    };
    started.on('error', lost);
    started.on('exit', (code) => lost(new Error(`the signing thread exited (code ${code})`)));
    worker = started;
    return started;
  }

  function flush() {
    if (queued === undefined) return;
    const { jobs, waiting } = queued;
    queued = undefined;
    const target = thread();
    const batch: Batch = { keys: [], jobs: [] };
    for (const { key, input } of jobs) {
      if (!sentKeys.has(key.key)) {
        sentKeys.add(key.key);
        batch.keys.push({ kid: key.kid, alg: key.alg as AsymmetricAlg, key: key.key });
      }
      batch.jobs.push({ kid: key.kid, input });
    }
    inFlight.push(waiting);
    target.postMessage(batch);
  }

  return {
    sign(key, input) {
      return new Promise((resolve, reject) => {
        if (closed) return reject(new Error('the signing thread was stopped'));
        if (key.alg === 'HS256') return reject(new Error('HS256 is signed in place, not here'));
        if (queued === undefined) {
          queued = { jobs: [], waiting: [] };
          setImmediate(flush);
        }
        queued.jobs.push({ key, input });
        queued.waiting.push({ resolve, reject });
      });
    },
    async close() {
      closed = true;
      const stopping = worker;
      worker = undefined;
      failAll(new Error('the signing thread was stopped'));
      await stopping?.terminate();
    },
  };
}
