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
 * per job), or the payloads to sign under one key and one protected header, joined by
 * newlines. One string per batch clones in 0.2-0.4 µs a job on this machine (batches of 4
 * to 16), an object per job in 1.1-1.6 µs: this is the event loop's time.
 */
type ToThread = { key: ThreadKey } | { kid: string; header: string; payloads: string };

/**
 * What the thread answers: the JWS of the next jobs in the order sent, joined by newlines;
 * an empty one where signing failed.
 */
type Answers = string;

/**
 * The thread's whole program, plain JavaScript run from source (`eval`): a separate module
 * would need its own entry in the bundle and a loader for the TypeScript sources. It takes
 * ToThread messages and answers with Answers, four at a time: waiting for a whole batch
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
  const prefix = message.header + '.';
  let answers = [];
  for (const payload of message.payloads.split('\\n')) {
    let jws = '';
    try {
      if (key !== undefined) {
        const input = prefix + Buffer.from(payload).toString('base64url');
        jws = input + '.' + signOne(key, Buffer.from(input)).toString('base64url');
      }
    } catch {}
    answers.push(jws);
    if (answers.length === ANSWER_EVERY) {
      parentPort.postMessage(answers.join('\\n'));
      answers = [];
    }
  }
  if (answers.length > 0) parentPort.postMessage(answers.join('\\n'));
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
  header: string;
  payload: string;
  resolve: (jws: string) => void;
  reject: (error: Error) => void;
}

export interface SigningThread {
  /**
   * The JWS compact serialization (RFC 7515 §7.1) of `payload` (text, encoded as UTF-8,
   * with no line break: JSON.stringify never writes one) under the protected header
   * `header` (already base64url), signed with `key` (EdDSA, ES256 or RS256).
   */
  signJws(key: SigningKey, header: string, payload: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * Signs access tokens on a thread of its own. A signature costs 18-60 µs of CPU (by host),
 * a quarter to a half of a token request: off the event loop it runs on the second core
 * while the loop parses and answers the next requests. The thread also encodes the payload
 * and puts the token together (0.5-0.8 µs of the loop's time a token otherwise). Not on
 * libuv's pool, where a signature would wait behind argon2 password hashes (tens of ms
 * each) during a burst of logins. Requests made in one turn of the event loop travel as
 * one message.
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
    started.on('message', (answers: Answers) => {
      for (const jws of answers.split('\n')) {
        const job = inFlight.shift();
        if (jws !== '') job?.resolve(jws);
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
    // Consecutive jobs under one key and header travel together (all of them, but around a
    // rotation).
    let group: { kid: string; header: string } | undefined;
    let payloads: string[] = [];
    const sendGroup = () => {
      if (group !== undefined) send({ ...group, payloads: payloads.join('\n') });
    };
    for (const { key, header, payload } of jobs) {
      if (!sentKeys.has(key.key)) {
        sentKeys.add(key.key);
        send({ key: { kid: key.kid, alg: key.alg as AsymmetricAlg, key: key.key } });
      }
      if (key.kid !== group?.kid || header !== group.header) {
        sendGroup();
        group = { kid: key.kid, header };
        payloads = [];
      }
      payloads.push(payload);
    }
    sendGroup();
  }

  return {
    signJws(key, header, payload) {
      return new Promise((resolve, reject) => {
        if (closed) return reject(new Error('the signing thread was stopped'));
        if (key.alg === 'HS256') return reject(new Error('HS256 is signed in place, not here'));
        if (payload.includes('\n') || header.includes('\n'))
          return reject(new Error('a payload or header to sign has a line break'));
        if (queued.length === 0) setImmediate(flush);
        queued.push({ key, header, payload, resolve, reject });
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
