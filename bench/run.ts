// Load benchmarks of the Players API against the FastAPI reference and oidc-provider,
// started side by side in one run on this machine (loopback only, bounded, self-stopping).
//   npm run bench              full run (about 4 minutes), writes bench/RESULTS.md
//   npm run bench -- --smoke   a few seconds per scenario, ours only, no targets
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { readStartCommand } from '../scripts/start-command.js';
import { machineBusySeconds, type Service, startService } from './processes.js';
import { createDeleteLua, type LoadResult, load, postLua } from './wrk.js';

const SMOKE = process.argv.includes('--smoke');
const SECONDS = SMOKE ? 1 : 10;
const WARMUP_SECONDS = SMOKE ? 0 : 2;
const ROUNDS = SMOKE ? 1 : 5;
const ROUND_SECONDS = SMOKE ? 1 : 3;
const ROOT = new URL('..', import.meta.url).pathname;
const SHARED = join(ROOT, '..', 'shared', 'reference');
const OUT = SMOKE
  ? join(ROOT, 'bench', 'tmp', 'RESULTS.smoke.md')
  : join(ROOT, 'bench', 'RESULTS.md');

const CLIENT = { id: 'bench-client', secret: 'bench-secret-0123456789abcdef0123456789abcdef' };
const USER = { username: 'bench-user', password: 'bench user passphrase 42' };
const FORM = 'application/x-www-form-urlencoded';
const basicAuth = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
// oidc-provider's client is registered with the same id and secret as ours.
const CLIENT_BASIC = basicAuth(CLIENT.id, CLIENT.secret);

interface Row {
  id: string;
  scenario: string;
  target: string;
  result: LoadResult;
  /** req/s of each round, for the scenarios measured in rounds. */
  rounds?: number[];
}

const rows: Row[] = [];
const log = (line: string) => process.stderr.write(`${line}\n`);

type Run = (seconds: number) => Promise<LoadResult>;

function report(row: Row): void {
  rows.push(row);
  const { result } = row;
  log(
    `${row.id.padEnd(4)} ${row.target.padEnd(14)} ${row.scenario.padEnd(44)} ${result.rps.toFixed(0).padStart(7)} req/s  p50 ${result.p50ms.toFixed(2)} ms  p99 ${result.p99ms.toFixed(2)} ms  errors ${result.errors}${row.rounds ? `  (rounds ${row.rounds.map((r) => r.toFixed(0)).join(' / ')})` : ''}`,
  );
}

async function measure(id: string, scenario: string, target: string, run: Run) {
  if (WARMUP_SECONDS > 0) await run(WARMUP_SECONDS).catch(() => undefined);
  const result = await run(SECONDS);
  report({ id, scenario, target, result });
  return result;
}

async function json(url: string, init: RequestInit): Promise<Record<string, string>> {
  const response = await fetch(url, init);
  if (!response.ok)
    throw new Error(`${init.method ?? 'GET'} ${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as Record<string, string>;
}

async function freeSquadNumbers(url: string, count: number): Promise<number[]> {
  const taken = new Set(
    ((await (await fetch(`${url}/players/`)).json()) as { squadNumber: number }[]).map(
      (p) => p.squadNumber,
    ),
  );
  return Array.from({ length: 99 }, (_, i) => 99 - i)
    .filter((n) => !taken.has(n))
    .slice(0, count);
}

const CONNECTIONS = 32;

/** Scenario e, for any server with the players routes: one connection per thread. */
function createDelete(url: string, token: string): Run {
  // Fresh numbers for each run: a run cut off between a create and its delete leaves one behind.
  return async (seconds) =>
    load({
      url,
      seconds,
      connections: 4,
      threads: 4,
      lua: createDeleteLua(await freeSquadNumbers(url, 4), token),
    });
}

/** Scenario d's request, to our service (one process or WORKERS=2) or to Fastify alone. */
const ourTokenRequests = (url: string) =>
  tokenRequests(`${url}/auth/token`, 'grant_type=client_credentials', CLIENT_BASIC);

function tokenRequests(url: string, body: string, basic?: string): Run {
  return (seconds) =>
    load({
      connections: CONNECTIONS,
      seconds,
      url,
      lua: postLua(body, FORM),
      ...(basic !== undefined && { headers: { Authorization: basic } }),
    });
}

const getRequests =
  (url: string, headers?: Record<string, string>): Run =>
  (seconds) =>
    load({ connections: CONNECTIONS, seconds, url, ...(headers && { headers }) });

// As `npm start` (and the Docker image) run Node; Fastify alone gets the same flags.
const START = readStartCommand(join(ROOT, 'package.json'));
const NODE_FLAGS = START.nodeFlags;

function startOurs(port: number, dir: string, workers = 1): Promise<Service> {
  return startService({
    name: workers > 1 ? `players-api (WORKERS=${workers})` : 'players-api',
    command: process.execPath,
    args: [...NODE_FLAGS, join(ROOT, 'dist', 'server.js')],
    env: {
      NODE_ENV: 'test',
      MALLOC_ARENA_MAX: START.mallocArenaMax,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      WORKERS: String(workers),
      DATABASE_URL: `sqlite:${join(dir, `players-${workers}.db`)}`,
      SECRET_KEY: 'bench-secret-key-0123456789abcdef0123456789',
      BOOTSTRAP_CLIENT_ID: CLIENT.id,
      BOOTSTRAP_CLIENT_SECRET: CLIENT.secret,
      // The benchmark measures throughput from one address: limits would only measure 429s.
      RATE_LIMIT_AUTH_PER_IP: '0',
      RATE_LIMIT_TOKEN_PER_CLIENT: '0',
      RATE_LIMIT_WRITES_PER_CLIENT: '0',
    },
    url: `http://127.0.0.1:${port}`,
    readyPath: '/health',
  });
}

/** A scenario on one server, measured in rounds with all the others (see `rounds`). */
interface Contestant {
  id: string;
  name: string;
  scenario: string;
  run: Run;
}

/** CPU seconds used so far by a service's threads and by the whole machine. */
function cpuNow(service: Service) {
  return { ...service.cpuSeconds(), machine: machineBusySeconds() };
}

type CpuUse = ReturnType<typeof cpuNow>;

const noCpu = (): CpuUse => ({ eventLoop: 0, otherThreads: 0, machine: 0 });

/** Where the CPU of a scenario's requests went, summed over its measured runs. */
class CpuTally {
  requests = 0;
  seconds = noCpu();

  /** `run`, with the CPU that `service` and the whole machine spend during it counted. */
  counting(service: Service, run: Run): Run {
    return async (seconds) => {
      const before = cpuNow(service);
      const result = await run(seconds);
      const after = cpuNow(service);
      for (const key of Object.keys(this.seconds) as (keyof CpuUse)[]) {
        this.seconds[key] += after[key] - before[key];
      }
      this.requests += result.requests;
      return result;
    };
  }

  reset(): void {
    this.requests = 0;
    this.seconds = noCpu();
  }

  /** Microseconds of CPU per request. */
  perRequest(): CpuUse {
    const us = (seconds: number) => (seconds / this.requests) * 1e6;
    return {
      eventLoop: us(this.seconds.eventLoop),
      otherThreads: us(this.seconds.otherThreads),
      machine: us(this.seconds.machine),
    };
  }
}

async function ourContestants(api: Service): Promise<{
  contestants: Contestant[];
  logins: Run;
}> {
  const url = api.url;
  const name = api.name;
  const token = (
    await json(`${url}/auth/token`, {
      method: 'POST',
      headers: { authorization: CLIENT_BASIC, 'content-type': FORM },
      body: 'grant_type=client_credentials',
    })
  ).access_token as string;
  await fetch(`${url}/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(USER),
  });
  const players = getRequests(`${url}/players/`);
  const loginLua = postLua(
    `grant_type=password&username=${USER.username}&password=${encodeURIComponent(USER.password)}`,
    FORM,
  );
  const logins: Run = (seconds) =>
    load({ url: `${url}/auth/token`, seconds, connections: 16, lua: loginLua });
  const readsDuringLogins: Run = async (seconds) => {
    const [, reads] = await Promise.all([logins(seconds), players(seconds)]);
    // Hashes already queued finish after wrk stops: let them, before the next scenario.
    await new Promise((resolve) => setTimeout(resolve, 500));
    return reads;
  };
  return {
    logins,
    contestants: [
      { id: 'a', name, scenario: 'GET /ping', run: getRequests(`${url}/ping`) },
      {
        id: 'b',
        name,
        scenario: 'GET /protected (valid token)',
        run: getRequests(`${url}/protected`, { Authorization: `Bearer ${token}` }),
      },
      { id: 'c', name, scenario: 'GET /players/', run: players },
      // g: the read path's latency while logins saturate the argon2 thread pool.
      { id: 'g', name, scenario: 'GET /players/ while (f) runs flat out', run: readsDuringLogins },
      {
        id: 'd',
        name,
        scenario: 'POST /auth/token (client_credentials, Basic)',
        run: ourTokenRequests(url),
      },
      {
        id: 'e',
        name,
        scenario: 'create + delete a player (4 conns)',
        run: createDelete(url, token),
      },
    ],
  };
}

async function startFastapi(dir: string) {
  const api = await startService({
    name: 'FastAPI',
    command: 'sh',
    args: [join(SHARED, 'fastapi-seed', 'run.sh')],
    env: { PORT: '9100', REF_DB: join(dir, 'seed.db'), WORKERS: '1' },
    url: 'http://127.0.0.1:9100',
    readyPath: '/health',
  });
  const url = api.url;
  const name = api.name;
  const tokenBody =
    'grant_type=client_credentials&client_id=bench-client&client_secret=bench-secret-0123456789abcdef0123456789abcdef';
  const token = (
    await json(`${url}/auth/token`, {
      method: 'POST',
      headers: { 'content-type': FORM },
      body: tokenBody,
    })
  ).access_token as string;
  const contestants: Contestant[] = [
    {
      id: 'h.a',
      name,
      scenario: 'GET /health (it has no /ping)',
      run: getRequests(`${url}/health`),
    },
    { id: 'h.c', name, scenario: 'GET /players/', run: getRequests(`${url}/players/`) },
    {
      id: 'h.d',
      name,
      scenario: 'POST /auth/token (client_secret_post: no Basic)',
      run: tokenRequests(`${url}/auth/token`, tokenBody),
    },
    {
      id: 'h.e',
      name,
      scenario: 'create + delete a player (4 conns)',
      run: createDelete(url, token),
    },
  ];
  return { api, contestants };
}

async function startOidcProvider() {
  const api = await startService({
    name: 'oidc-provider',
    command: 'sh',
    args: [join(SHARED, 'oidc-provider-peer', 'run.sh')],
    env: { PORT: '9200', TMPDIR: tmpdir() },
    url: 'http://127.0.0.1:9200',
    readyPath: '/.well-known/openid-configuration',
    timeoutMs: 180_000,
  });
  const contestants: Contestant[] = [
    {
      id: 'i.d',
      name: api.name,
      scenario: 'POST /token (client_credentials, Basic)',
      run: tokenRequests(
        `${api.url}/token`,
        'grant_type=client_credentials&scope=write&resource=urn%3Aplayers-api',
        CLIENT_BASIC,
      ),
    },
  ];
  return { api, contestants };
}

/**
 * The framework's own cost of scenario d (see bench/fastify-alone.ts): Fastify answering d's
 * request with a fixed body (j.d), and with a token signed on our signing thread (j.s).
 */
async function startFastifyAlone(sign: boolean) {
  const port = sign ? '9301' : '9300';
  const api = await startService({
    name: sign ? 'Fastify + signature' : 'Fastify alone',
    command: process.execPath,
    args: [
      ...NODE_FLAGS,
      '--import',
      'tsx',
      join(ROOT, 'bench', 'fastify-alone.ts'),
      port,
      ...(sign ? ['sign'] : []),
    ],
    env: {},
    cwd: ROOT,
    url: `http://127.0.0.1:${port}`,
    readyPath: '/health',
  });
  const contestants: Contestant[] = [
    {
      id: sign ? 'j.s' : 'j.d',
      name: api.name,
      scenario: sign
        ? 'POST /auth/token: form parsed, an EdDSA at+jwt signed on our signing thread, no other work'
        : 'POST /auth/token: form parsed, fixed 532-byte answer, no work',
      run: ourTokenRequests(api.url),
    },
  ];
  return { api, contestants };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.floor((sorted.length - 1) / 2)] as number;
};

/**
 * Every contestant in turn, ROUNDS times over, so that what a ratio compares was measured
 * seconds apart: this machine's speed drifts by 20-40% within minutes, and a peer measured
 * minutes after us turned that drift into the ratio. A contestant's figure is its median
 * round (its p50 and p99 from that round); a ratio is the median of the rounds' ratios.
 */
async function rounds(
  contestants: Contestant[],
  afterWarmUp: () => void,
): Promise<Map<string, LoadResult[]>> {
  if (WARMUP_SECONDS > 0) {
    for (const c of contestants) await c.run(WARMUP_SECONDS).catch(() => undefined);
  }
  afterWarmUp();
  const results = new Map<string, LoadResult[]>(contestants.map((c) => [c.id, []]));
  for (let round = 0; round < ROUNDS; round++) {
    // Every other round runs backwards, so a pair's order does not favour either side.
    const order = round % 2 === 0 ? contestants : [...contestants].reverse();
    for (const c of order) results.get(c.id)?.push(await c.run(ROUND_SECONDS));
  }
  for (const c of contestants) {
    const runs = results.get(c.id) ?? [];
    const middle = median(runs.map((r) => r.rps));
    report({
      id: c.id,
      scenario: c.scenario,
      target: c.name,
      result: {
        ...(runs.find((r) => r.rps === middle) as LoadResult),
        errors: runs.reduce((sum, r) => sum + r.errors, 0),
      },
      rounds: runs.map((r) => r.rps),
    });
  }
  return results;
}

/** `metric(subject) / metric(baseline)` in each round, and their median. */
function roundRatio(
  results: Map<string, LoadResult[]>,
  subject: string,
  baseline: string,
  metric: (r: LoadResult) => number = (r) => r.rps,
): Ratio {
  const base = results.get(baseline) ?? [];
  const rounds = (results.get(subject) ?? []).map(
    (r, i) => metric(r) / metric(base[i] as LoadResult),
  );
  return { median: median(rounds), rounds };
}

function machine(): string {
  // wrk prints its version with the usage text and exits 1.
  const wrk = spawnSync('wrk', ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0]?.trim();
  return `${cpus().length} cores (${cpus()[0]?.model.trim()}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${wrk}`;
}

const fmt = (n: number, digits = 0) => n.toFixed(digits);

const ratioDigits = (n: number) => (n < 10 ? 2 : 0);

/** Each round's ratio, as precise as their median is shown. */
const roundsOf = (ratio: Ratio) =>
  ratio.rounds.map((x) => fmt(x, ratioDigits(ratio.median))).join(' / ');

function target(
  label: string,
  value: number | Ratio,
  limit: number,
  atLeast = true,
  unit = '',
): string {
  const measured = typeof value === 'number' ? value : value.median;
  const met = atLeast ? measured >= limit : measured <= limit;
  const rounds = typeof value === 'number' ? '' : roundsOf(value);
  return `| ${label} | ${fmt(measured, ratioDigits(measured))}${unit} | ${atLeast ? '≥' : '≤'} ${limit}${unit} | ${met ? 'met' : '**missed**'} | ${rounds} |`;
}

// Neighbours in a round are what the ratios compare: each target's pair is measured back to
// back (b and a, c and FastAPI's c, c and g, d and FastAPI's d, e and FastAPI's e).
const ORDER = [
  'a',
  'b',
  'h.a',
  'c×2',
  'h.c',
  'c',
  'g',
  'd×2',
  'd',
  'h.d',
  'i.d',
  'j.d',
  'j.s',
  'e',
  'h.e',
];

async function main(): Promise<void> {
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'build-if-needed.mjs')], {
    stdio: 'inherit',
    cwd: ROOT,
  });
  const dir = mkdtempSync(join(tmpdir(), 'players-bench-'));
  const peersDir = mkdtempSync(join(tmpdir(), 'fastapi-seed-'));
  const running: Service[] = [];
  try {
    const ours = await startOurs(9500, dir);
    running.push(ours);
    const startMs = ours.startMs;
    const own = await ourContestants(ours);

    const workers = await startOurs(9501, dir, 2);
    running.push(workers);
    const fastapi = SMOKE ? undefined : await startFastapi(peersDir);
    const oidc = SMOKE ? undefined : await startOidcProvider();
    const alone = await startFastifyAlone(false);
    const signing = await startFastifyAlone(true);
    for (const peer of [fastapi, oidc, alone, signing]) if (peer) running.push(peer.api);
    // What a request costs in CPU, apart from throughput: a token (event loop, signing
    // thread, the rest of the machine), and a protected read against a ping.
    const cpu = { a: new CpuTally(), b: new CpuTally(), d: new CpuTally() };
    const contestants = [
      ...own.contestants.map((c) =>
        Object.hasOwn(cpu, c.id)
          ? { ...c, run: cpu[c.id as keyof typeof cpu].counting(ours, c.run) }
          : c,
      ),
      {
        id: 'c×2',
        name: workers.name,
        scenario: 'GET /players/ (WORKERS=2)',
        run: getRequests(`${workers.url}/players/`),
      },
      {
        id: 'd×2',
        name: workers.name,
        scenario: 'POST /auth/token (WORKERS=2)',
        run: ourTokenRequests(workers.url),
      },
      ...(fastapi?.contestants ?? []),
      ...(oidc?.contestants ?? []),
      ...alone.contestants,
      ...signing.contestants,
    ].sort((x, y) => ORDER.indexOf(x.id) - ORDER.indexOf(y.id));
    // The warm-up's CPU (the JIT compiling the hot paths) is not a request's cost.
    const results = await rounds(contestants, () => {
      for (const tally of Object.values(cpu)) tally.reset();
    });
    const f = await measure(
      'f',
      'password-grant logins (argon2id, 16 conns)',
      ours.name,
      own.logins,
    );
    const rss = ours.rssMb();

    const figure = (id: string) => rows.find((row) => row.id === id)?.result as LoadResult;
    writeResults({
      r: {
        a: figure('a'),
        b: figure('b'),
        c: figure('c'),
        d: figure('d'),
        e: figure('e'),
        f,
        g: figure('g'),
      },
      rss,
      startMs,
      cpu,
      workersGain: { c: roundRatio(results, 'c×2', 'c'), d: roundRatio(results, 'd×2', 'd') },
      ratios:
        fastapi && oidc
          ? {
              bOverA: roundRatio(results, 'b', 'a'),
              dOverFastapi: roundRatio(results, 'd', 'h.d'),
              dOverOidc: roundRatio(results, 'd', 'i.d'),
              aloneOverFastapi: roundRatio(results, 'j.d', 'h.d'),
              dOverAlone: roundRatio(results, 'd', 'j.d'),
              signingOverFastapi: roundRatio(results, 'j.s', 'h.d'),
              dOverSigning: roundRatio(results, 'd', 'j.s'),
              cOverFastapi: roundRatio(results, 'c', 'h.c'),
              eOverFastapi: roundRatio(results, 'e', 'h.e'),
              gP99OverC: roundRatio(results, 'g', 'c', (r) => r.p99ms),
            }
          : undefined,
    });
  } finally {
    for (const service of running) await service.stop();
    rmSync(dir, { recursive: true, force: true });
    rmSync(peersDir, { recursive: true, force: true });
  }
}

/** A comparison made in every round: the targets use the median, the table shows all. */
interface Ratio {
  median: number;
  rounds: number[];
}

interface Ratios {
  bOverA: Ratio;
  dOverFastapi: Ratio;
  dOverOidc: Ratio;
  /** Fastify alone answering d's request without doing its work, against FastAPI's d. */
  aloneOverFastapi: Ratio;
  dOverAlone: Ratio;
  /** Fastify whose only work is the token's signature, against FastAPI's d. */
  signingOverFastapi: Ratio;
  dOverSigning: Ratio;
  cOverFastapi: Ratio;
  eOverFastapi: Ratio;
  gP99OverC: Ratio;
}

function writeResults({
  r,
  rss,
  startMs,
  cpu,
  workersGain,
  ratios,
}: {
  r: Record<'a' | 'b' | 'c' | 'd' | 'e' | 'f' | 'g', LoadResult>;
  rss: number;
  startMs: number;
  cpu: Record<'a' | 'b' | 'd', CpuTally>;
  workersGain: { c: Ratio; d: Ratio };
  ratios: Ratios | undefined;
}): void {
  const [ping, read, token] = [cpu.a.perRequest(), cpu.b.perRequest(), cpu.d.perRequest()];
  const lines = [
    SMOKE ? '# Benchmark smoke run (no targets)' : '# Benchmark results',
    '',
    `Written by \`npm run bench${SMOKE ? ' -- --smoke' : ''}\` on ${new Date().toISOString()}.`,
    '',
    `- Machine: ${machine()}; the load generator runs on the same machine.`,
    `- Every scenario but f runs in rounds: each in turn (every other round in reverse order), ${ROUNDS} round${ROUNDS > 1 ? 's' : ''} of ${ROUND_SECONDS} s after a ${WARMUP_SECONDS} s warm-up, so that what a ratio compares was measured seconds apart (this machine's speed moves by 20-40% from one run to the next, seconds apart). The table lists the scenarios in the order of the first round, each with its median round (all rounds in the last column); a ratio is the median of the rounds' ratios, each round's ratio is in the targets' last column. f: ${WARMUP_SECONDS} s warm-up, then ${SECONDS} s. wrk with 2 threads and 32 connections unless the scenario says otherwise.`,
    `- Players API: one Node process (\`node ${NODE_FLAGS.join(' ')} dist/server.js\`, \`MALLOC_ARENA_MAX=${START.mallocArenaMax}\`, as \`npm start\` runs it), SQLite, \`LOG_LEVEL=warn\` (no per-request log lines, as the peers run with access logs off), rate limits off (\`RATE_LIMIT_*=0\`: one address would only measure 429s), everything else default (argon2id m=19 MiB t=2, EdDSA tokens, SQLite \`synchronous=FULL\` with the player writes of one event-loop turn sharing a commit).`,
    "- FastAPI reference: `../shared/reference/fastapi-seed/run.sh`, one uvicorn worker. oidc-provider: `../shared/reference/oidc-provider-peer/run.sh`. Fastify alone: `bench/fastify-alone.ts`, Fastify 5 with none of our plugins answering d's request with a fixed body, the framework's own share of d; with `sign`, the same but with an EdDSA token made by our issuer and signed on our signing thread (fixed claims but for jti and iat): the least that a Fastify endpoint signing this way costs.",
    '',
    '| id | server | scenario | req/s | p50 ms | p99 ms | errors | rounds (req/s) |',
    '|---|---|---|---:|---:|---:|---:|---|',
    ...rows.map(
      (row) =>
        `| ${row.id} | ${row.target} | ${row.scenario} | ${fmt(row.result.rps)} | ${fmt(row.result.p50ms, 2)} | ${fmt(row.result.p99ms, 2)} | ${row.result.errors} | ${row.rounds?.map((x) => fmt(x)).join(' / ') ?? ''} |`,
    ),
    '',
    `- RSS of the Players API after scenarios a–g: ${fmt(rss)} MB.`,
    `- Start (spawn to the first 200 on /health, empty database: migrations, seed, first signing key): ${fmt(startMs)} ms.`,
    `- CPU per token in d's runs (from /proc): the event loop ${fmt(token.eventLoop)} µs, the process's other threads (the signing thread, with libuv's and V8's helpers) ${fmt(token.otherThreads)} µs; the whole machine ${fmt(token.machine)} µs, wrk included: at that cost ${cpus().length} cores give at most ${fmt((cpus().length * 1e6) / token.machine)} tokens/s.`,
    `- CPU per request in a's and b's runs: the event loop ${fmt(ping.eventLoop, 1)} µs for a ping, ${fmt(read.eventLoop, 1)} µs for a protected read (its Authorization header read, the token checked): b/a by event-loop CPU (a's cost over b's) ${fmt(ping.eventLoop / read.eventLoop, 2)}; the whole machine ${fmt(ping.machine, 1)} and ${fmt(read.machine, 1)} µs.`,
    `- WORKERS=2 against one process, median of the rounds' ratios: GET /players/ ${fmt(workersGain.c.median, 2)}×, tokens ${fmt(workersGain.d.median, 2)}×. Two workers share two cores with wrk itself, and one process already signs tokens on the second core.`,
  ];
  if (ratios) {
    const errorsAtoF = (['a', 'b', 'c', 'd', 'e', 'f'] as const).reduce(
      (sum, k) => sum + r[k].errors,
      0,
    );
    lines.push(
      '',
      '## Targets',
      '',
      '| target | measured | wanted | | each round |',
      '|---|---:|---:|---|---|',
      target('b/a (protected read vs ping)', ratios.bOverA, 0.85),
      target('d tokens/s', r.d.rps, 8000),
      target('d / FastAPI d', ratios.dOverFastapi, 5),
      target('d / oidc-provider d', ratios.dOverOidc, 1.6),
      target('c / FastAPI c', ratios.cOverFastapi, 5),
      target('e / FastAPI e', ratios.eOverFastapi, 3),
      target('f logins/s', r.f.rps, 40),
      target('g p99 / c p99', ratios.gP99OverC, 3, false),
      target('non-2xx in a–f', errorsAtoF, 0, false),
      target('RSS MB', rss, 150, false),
      target('start ms', startMs, 1000, false),
      '',
      `What bounds d / FastAPI d: Fastify alone (j.d), answering the same request with a fixed body and none of the work, reached ${fmt(ratios.aloneOverFastapi.median, 2)}× FastAPI's d; our d was ${fmt(ratios.dOverAlone.median, 2)} of that framework-only rate. Fastify whose only work is an Ed25519 signature on our signing thread (j.s) reached ${fmt(ratios.signingOverFastapi.median, 2)}× FastAPI's d (rounds ${roundsOf(ratios.signingOverFastapi)}): an endpoint that signs this way and does more work cannot go past that; our d was ${fmt(ratios.dOverSigning.median, 2)} of it.`,
      '',
      `Keycloak and Ory Hydra are not run here (no container engine); their published figures are in the README's comparison.`,
    );
  }
  mkdirSync(join(OUT, '..'), { recursive: true });
  writeFileSync(OUT, `${lines.join('\n')}\n`);
  // Aligned the way the linter wants it, so a fresh run can be committed as it is.
  spawnSync(join(ROOT, 'node_modules', '.bin', 'biome'), ['format', '--write', OUT], {
    stdio: 'ignore',
  });
  log(`\nwrote ${OUT}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

await main();
