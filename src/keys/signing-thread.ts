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

/** base64url signatures of the next jobs in the order sent; null where signing failed. */
type Signatures = (string | null)[];

/**
 * The thread's whole program, plain JavaScript run from source (`eval`): a separate module
 * would need its own entry in the bundle and a loader for the TypeScript sources. It takes
 * Batch messages and answers with Signatures, four at a time: waiting for a whole batch
 * (16 jobs on average under load) left the event loop idle with nothing to answer, and
 * one message per signature cost the loop more than it saved. Measured on
 * `POST /auth/token`, five interleaved runs each: medians 8.8k tokens/s (whole batch),
 * 10.5k (one), 10.3k (two), 11.6k (three), 11.1k-11.3k (four), 11.1k (eight).
 */
const SIGNING_THREAD_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { sign } = require('node:crypto');
const keys = new Map();
const ANSWER_EVERY = 4;
function signOne({ alg, key }, data) {
  if (alg === 'EdDSA') return sign(null, data, key);
  return sign('sha256', data, alg === 'ES256' ? { key, dsaEncoding: 'ieee-p1363' } : key);
}
parentPort.on('message', (batch) => {
  for (const key of batch.keys) keys.set(key.kid, key);
  let signatures = [];
  for (const { kid, input } of batch.jobs) {
    const key = keys.get(kid);
    let signature = null;
    try {
      if (key !== undefined) signature = signOne(key, Buffer.from(input)).toString('base64url');
    } catch {}
    signatures.push(signature);
    if (signatures.length === ANSWER_EVERY) {
      parentPort.postMessage(signatures);
      signatures = [];
    }
  }
  if (signatures.length > 0) parentPort.postMessage(signatures);
});
`;

interface Job {
  key: SigningKey;
  input: string;
  resolve: (signature: string) => void;
  reject: (error: Error) => void;
}

export interface SigningThread {
  /** The base64url JWS signature of `input` under `key` (EdDSA, ES256 or RS256). */
  sign(key: SigningKey, input: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * Signs access tokens on a thread of its own. A signature costs 25-60 µs of CPU (by host),
 * a quarter to a half of a token request: off the event loop it runs on the second core
 * while the loop parses and answers the next requests. Not on libuv's pool, where a
 * signature would wait behind argon2 password hashes (tens of ms each) during a burst of
 * logins. Requests made in one turn of the event loop travel as one message.
 */
export function startSigningThread(): SigningThread {
  let worker: Worker | undefined;
  let closed = false;
  let sentKeys = new WeakSet<KeyObject>();
  let queued: Job[] = [];
  const inFlight: Job[] = [];

  function failAll(error: Error) {
    for (const job of inFlight.splice(0)) job.reject(error);
  }

  function thread(): Worker {
    if (worker !== undefined) return worker;
    const started = new Worker(SIGNING_THREAD_SOURCE, { eval: true });
    started.unref();
    started.on('message', (signatures: Signatures) => {
      for (const signature of signatures) {
        const job = inFlight.shift();
        if (typeof signature === 'string') job?.resolve(signature);
        else job?.reject(new Error('the signing thread could not sign with this key'));
      }
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
    const jobs = queued;
    queued = [];
    if (jobs.length === 0) return;
    const target = thread();
    const batch: Batch = { keys: [], jobs: [] };
    for (const { key, input } of jobs) {
      if (!sentKeys.has(key.key)) {
        sentKeys.add(key.key);
        batch.keys.push({ kid: key.kid, alg: key.alg as AsymmetricAlg, key: key.key });
      }
      batch.jobs.push({ kid: key.kid, input });
    }
    inFlight.push(...jobs);
    target.postMessage(batch);
  }

  return {
    sign(key, input) {
      return new Promise((resolve, reject) => {
        if (closed) return reject(new Error('the signing thread was stopped'));
        if (key.alg === 'HS256') return reject(new Error('HS256 is signed in place, not here'));
        if (queued.length === 0) setImmediate(flush);
        queued.push({ key, input, resolve, reject });
      });
    },
    async close() {
      closed = true;
      const stopping = worker;
      worker = undefined;
      inFlight.push(...queued.splice(0));
      failAll(new Error('the signing thread was stopped'));
      await stopping?.terminate();
    },
  };
}
