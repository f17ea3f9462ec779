import type { KeyObject } from 'node:crypto';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { SigningKey } from './key-ring.js';

type AsymmetricAlg = Exclude<SigningKey['alg'], 'HS256'>;

interface ThreadKey {
  kid: string;
  alg: AsymmetricAlg;
  key: KeyObject;
}

/**
 * What the loop sends: a key the thread has not had yet (a KeyObject is cloned once, not
 * per job), or the signing inputs of one key joined by newlines (JWS signing inputs are
 * base64url and dots). One string per batch clones in 0.2-0.4 µs a job on this machine
 * (batches of 4 to 16), an object per job in 1.1-1.6 µs: this is the event loop's time.
 */
type ToThread = { key: ThreadKey } | { kid: string; inputs: string };

/**
 * What the thread answers: base64url signatures of the next jobs in the order sent, joined
 * by newlines; an empty one where signing failed.
 */
type Signatures = string;

/**
 * The thread's whole program, plain JavaScript run from source (`eval`): a separate module
 * would need its own entry in the bundle and a loader for the TypeScript sources. It takes
 * ToThread messages and answers with Signatures, four at a time: waiting for a whole batch
 * (16 jobs on average under load) left the event loop idle with nothing to answer, and
 * one message per signature cost the loop more than it saved. Measured on
 * `POST /auth/token`, five interleaved runs each: medians 8.8k tokens/s (whole batch),
 * 10.5k (one), 10.3k (two), 11.6k (three), 11.1k-11.3k (four), 11.1k (eight).
 */
const SIGNING_THREAD_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { sign } = require('node:crypto');
let sodium = null;
try {
  if (workerData.sodium) sodium = require(workerData.sodium);
} catch {}
const keys = new Map();
const ANSWER_EVERY = 4;
// libsodium's 64-byte Ed25519 secret key (seed, then public key), in memory it guards.
function sodiumSecret(key) {
  const { d, x } = key.export({ format: 'jwk' });
  const secret = sodium.sodium_malloc(64);
  Buffer.from(d, 'base64url').copy(secret, 0);
  Buffer.from(x, 'base64url').copy(secret, 32);
  return secret;
}
function remember(key) {
  const ed25519 = key.alg === 'EdDSA' && key.key.asymmetricKeyType === 'ed25519';
  const secret = ed25519 && sodium !== null ? sodiumSecret(key.key) : null;
  keys.set(key.kid, { ...key, secret });
}
function signOne({ alg, key, secret }, data) {
  if (secret !== null) {
    const signature = Buffer.alloc(64);
    sodium.crypto_sign_detached(signature, data, secret);
    return signature;
  }
  if (alg === 'EdDSA') return sign(null, data, key);
  return sign('sha256', data, alg === 'ES256' ? { key, dsaEncoding: 'ieee-p1363' } : key);
}
parentPort.on('message', (message) => {
  if (message.key !== undefined) {
    try {
      remember(message.key);
    } catch {}
    return;
  }
  const key = keys.get(message.kid);
  let signatures = [];
  for (const input of message.inputs.split('\\n')) {
    let signature = '';
    try {
      if (key !== undefined) signature = signOne(key, Buffer.from(input)).toString('base64url');
    } catch {}
    signatures.push(signature);
    if (signatures.length === ANSWER_EVERY) {
      parentPort.postMessage(signatures.join('\\n'));
      signatures = [];
    }
  }
  if (signatures.length > 0) parentPort.postMessage(signatures.join('\\n'));
});
`;

/**
 * Where libsodium is, if installed: it makes Ed25519 signatures, the token endpoint's main
 * cost, in 18-25 µs where Node's OpenSSL 3.0 takes 41-50 µs (AMD EPYC host; 41 against
 * 50 µs on an Intel Xeon one). Ed25519 is deterministic (RFC 8032 §5.1.6): both make the
 * very same signature, so this changes nothing but the time.
 */
function sodiumLocation(): string | null {
  try {
    return createRequire(import.meta.url).resolve('sodium-native');
  } catch {
    return null;
  }
}

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
 * Signs access tokens on a thread of its own. A signature costs 18-60 µs of CPU (by host),
 * a quarter to a half of a token request: off the event loop it runs on the second core
 * while the loop parses and answers the next requests. Not on libuv's pool, where a
 * signature would wait behind argon2 password hashes (tens of ms each) during a burst of
 * logins. Requests made in one turn of the event loop travel as one message.
 */
export function startSigningThread(
  /** `sodium`: the path of sodium-native, found by default; null signs with OpenSSL alone. */
  options: { sodium?: string | null } = {},
): SigningThread {
  const sodium = options.sodium === undefined ? sodiumLocation() : options.sodium;
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
    const started = new Worker(SIGNING_THREAD_SOURCE, { eval: true, workerData: { sodium } });
    started.unref();
    started.on('message', (signatures: Signatures) => {
      for (const signature of signatures.split('\n')) {
        const job = inFlight.shift();
        if (signature !== '') job?.resolve(signature);
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
    const send = (message: ToThread) => target.postMessage(message);
    inFlight.push(...jobs);
    // Consecutive jobs under one key travel together (all of them, but around a rotation).
    let kid: string | undefined;
    let inputs: string[] = [];
    for (const { key, input } of jobs) {
      if (!sentKeys.has(key.key)) {
        sentKeys.add(key.key);
        send({ key: { kid: key.kid, alg: key.alg as AsymmetricAlg, key: key.key } });
      }
      if (key.kid !== kid) {
        if (kid !== undefined) send({ kid, inputs: inputs.join('\n') });
        kid = key.kid;
        inputs = [];
      }
      inputs.push(input);
    }
    if (kid !== undefined) send({ kid, inputs: inputs.join('\n') });
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
