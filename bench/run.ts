// Load benchmarks of the Players API against the FastAPI reference and oidc-provider,
// started side by side in one run on this machine (loopback only, bounded, self-stopping).
//   npm run bench              full run (about 4 minutes), writes bench/RESULTS.md
//   npm run bench -- --smoke   a few seconds per scenario, ours only, no targets
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { type Service, startService } from './processes.js';
import { createDeleteLua, type LoadResult, load, postLua } from './wrk.js';

const SMOKE = process.argv.includes('--smoke');
const SECONDS = SMOKE ? 1 : 10;
const WARMUP_SECONDS = SMOKE ? 0 : 2;
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

interface Row {
  id: string;
  scenario: string;
  target: string;
  result: LoadResult;
}

const rows: Row[] = [];
const log = (line: string) => process.stderr.write(`${line}\n`);

async function measure(
  id: string,
  scenario: string,
  target: string,
  run: () => Promise<LoadResult>,
): Promise<LoadResult> {
  if (WARMUP_SECONDS > 0) await run().catch(() => undefined);
  const result = await run();
  rows.push({ id, scenario, target, result });
  log(
    `${id.padEnd(4)} ${target.padEnd(14)} ${scenario.padEnd(44)} ${result.rps.toFixed(0).padStart(7)} req/s  p50 ${result.p50ms.toFixed(2)} ms  p99 ${result.p99ms.toFixed(2)} ms  errors ${result.errors}`,
  );
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

/** Scenario e, for any server with the players routes: one connection per thread. */
function createDelete(url: string, token: string): () => Promise<LoadResult> {
  // Fresh numbers for each run: a run cut off between a create and its delete leaves one behind.
  return async () =>
    load({
      url,
      seconds: SECONDS,
      connections: 4,
      threads: 4,
      lua: createDeleteLua(await freeSquadNumbers(url, 4), token),
    });
}

function startOurs(port: number, dir: string, workers = 1): Promise<Service> {
  return startService({
    name: workers > 1 ? `players-api (WORKERS=${workers})` : 'players-api',
    command: process.execPath,
    args: [join(ROOT, 'dist', 'server.js')],
    env: {
      NODE_ENV: 'test',
      // As `npm start` and the Docker image run it.
      MALLOC_ARENA_MAX: '2',
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

async function ourScenarios(api: Service): Promise<Record<string, LoadResult>> {
  const url = api.url;
  const token = (
    await json(`${url}/auth/token`, {
      method: 'POST',
      headers: { authorization: basicAuth(CLIENT.id, CLIENT.secret), 'content-type': FORM },
      body: 'grant_type=client_credentials',
    })
  ).access_token as string;
  await fetch(`${url}/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(USER),
  });
  const results: Record<string, LoadResult> = {};
  const get = { seconds: SECONDS, connections: 32 };
  results.a = await measure('a', 'GET /ping', api.name, () => load({ ...get, url: `${url}/ping` }));
  results.b = await measure('b', 'GET /protected (valid token)', api.name, () =>
    load({ ...get, url: `${url}/protected`, headers: { Authorization: `Bearer ${token}` } }),
  );
  results.c = await measure('c', 'GET /players/', api.name, () =>
    load({ ...get, url: `${url}/players/` }),
  );
  results.d = await measure('d', 'POST /auth/token (client_credentials, Basic)', api.name, () =>
    load({
      ...get,
      url: `${url}/auth/token`,
      lua: postLua('grant_type=client_credentials', FORM),
      headers: { Authorization: basicAuth(CLIENT.id, CLIENT.secret) },
    }),
  );
  results.e = await measure(
    'e',
    'create + delete a player (4 conns)',
    api.name,
    createDelete(url, token),
  );
  const loginLua = postLua(
    `grant_type=password&username=${USER.username}&password=${encodeURIComponent(USER.password)}`,
    FORM,
  );
  results.f = await measure('f', 'password-grant logins (argon2id, 16 conns)', api.name, () =>
    load({ url: `${url}/auth/token`, seconds: SECONDS, connections: 16, lua: loginLua }),
  );
  // g: the read path's latency while logins saturate the argon2 thread pool.
  const [, reads] = await Promise.all([
    load({ url: `${url}/auth/token`, seconds: SECONDS, connections: 16, lua: loginLua }),
    load({ ...get, url: `${url}/players/` }),
  ]);
  rows.push({
    id: 'g',
    scenario: 'GET /players/ while (f) runs flat out',
    target: api.name,
    result: reads,
  });
  log(`g    ${api.name.padEnd(14)} GET /players/ during logins: p99 ${reads.p99ms.toFixed(2)} ms`);
  results.g = reads;
  return results;
}

async function fastapiScenarios(): Promise<Record<string, LoadResult>> {
  const dir = mkdtempSync(join(tmpdir(), 'fastapi-seed-'));
  const api = await startService({
    name: 'FastAPI',
    command: 'sh',
    args: [join(SHARED, 'fastapi-seed', 'run.sh')],
    env: { PORT: '9100', REF_DB: join(dir, 'seed.db'), WORKERS: '1' },
    url: 'http://127.0.0.1:9100',
    readyPath: '/health',
  });
  try {
    const url = api.url;
    const tokenBody =
      'grant_type=client_credentials&client_id=bench-client&client_secret=bench-secret-0123456789abcdef0123456789abcdef';
    const token = (
      await json(`${url}/auth/token`, {
        method: 'POST',
        headers: { 'content-type': FORM },
        body: tokenBody,
      })
    ).access_token as string;
    const get = { seconds: SECONDS, connections: 32 };
    const results: Record<string, LoadResult> = {};
    results.a = await measure('h.a', 'GET /health (it has no /ping)', api.name, () =>
      load({ ...get, url: `${url}/health` }),
    );
    results.c = await measure('h.c', 'GET /players/', api.name, () =>
      load({ ...get, url: `${url}/players/` }),
    );
    results.d = await measure(
      'h.d',
      'POST /auth/token (client_secret_post: no Basic)',
      api.name,
      () => load({ ...get, url: `${url}/auth/token`, lua: postLua(tokenBody, FORM) }),
    );
    results.e = await measure(
      'h.e',
      'create + delete a player (4 conns)',
      api.name,
      createDelete(url, token),
    );
    return results;
  } finally {
    await api.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function oidcProviderScenario(): Promise<LoadResult> {
  const api = await startService({
    name: 'oidc-provider',
    command: 'sh',
    args: [join(SHARED, 'oidc-provider-peer', 'run.sh')],
    env: { PORT: '9200', TMPDIR: tmpdir() },
    url: 'http://127.0.0.1:9200',
    readyPath: '/.well-known/openid-configuration',
    timeoutMs: 180_000,
  });
  try {
    return await measure('i.d', 'POST /token (client_credentials, Basic)', api.name, () =>
      load({
        seconds: SECONDS,
        connections: 32,
        url: `${api.url}/token`,
        lua: postLua('grant_type=client_credentials&scope=write&resource=urn%3Aplayers-api', FORM),
        headers: { Authorization: basicAuth(CLIENT.id, CLIENT.secret) },
      }),
    );
  } finally {
    await api.stop();
  }
}

function machine(): string {
  // wrk prints its version with the usage text and exits 1.
  const wrk = spawnSync('wrk', ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0]?.trim();
  return `${cpus().length} cores (${cpus()[0]?.model.trim()}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${wrk}`;
}

const fmt = (n: number, digits = 0) => n.toFixed(digits);

function target(label: string, value: number, limit: number, atLeast = true, unit = ''): string {
  const met = atLeast ? value >= limit : value <= limit;
  return `| ${label} | ${fmt(value, value < 10 ? 2 : 0)}${unit} | ${atLeast ? '≥' : '≤'} ${limit}${unit} | ${met ? 'met' : '**missed**'} |`;
}

async function main(): Promise<void> {
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'build-if-needed.mjs')], {
    stdio: 'inherit',
    cwd: ROOT,
  });
  const dir = mkdtempSync(join(tmpdir(), 'players-bench-'));
  const ours = await startOurs(9500, dir);
  let results: Record<string, LoadResult>;
  let rss = 0;
  try {
    results = await ourScenarios(ours);
    rss = ours.rssMb();
  } finally {
    await ours.stop();
  }
  const startMs = ours.startMs;

  const workers = await startOurs(9501, dir, 2);
  const scaled: Record<string, LoadResult> = {};
  try {
    const token = { seconds: SECONDS, connections: 32 };
    scaled.c = await measure('c×2', 'GET /players/ (WORKERS=2)', workers.name, () =>
      load({ ...token, url: `${workers.url}/players/` }),
    );
    scaled.d = await measure('d×2', 'POST /auth/token (WORKERS=2)', workers.name, () =>
      load({
        ...token,
        url: `${workers.url}/auth/token`,
        lua: postLua('grant_type=client_credentials', FORM),
        headers: { Authorization: basicAuth(CLIENT.id, CLIENT.secret) },
      }),
    );
  } finally {
    await workers.stop();
    rmSync(dir, { recursive: true, force: true });
  }

  const fastapi = SMOKE ? undefined : await fastapiScenarios();
  const oidc = SMOKE ? undefined : await oidcProviderScenario();

  const r = results as Record<'a' | 'b' | 'c' | 'd' | 'e' | 'f' | 'g', LoadResult>;
  const lines = [
    SMOKE ? '# Benchmark smoke run (no targets)' : '# Benchmark results',
    '',
    `Written by \`npm run bench${SMOKE ? ' -- --smoke' : ''}\` on ${new Date().toISOString()}.`,
    '',
    `- Machine: ${machine()}; the load generator runs on the same machine.`,
    `- Each scenario: ${WARMUP_SECONDS} s warm-up, then ${SECONDS} s measured; wrk with 2 threads and 32 connections unless the scenario says otherwise.`,
    '- Players API: one Node process (`node dist/server.js`, `MALLOC_ARENA_MAX=2` as `npm start` sets it), SQLite, `LOG_LEVEL=warn` (no per-request log lines, as the peers run with access logs off), rate limits off (`RATE_LIMIT_*=0`: one address would only measure 429s), everything else default (argon2id m=19 MiB t=2, EdDSA tokens, SQLite `synchronous=FULL` with the player writes of one event-loop turn sharing a commit).',
    '- FastAPI reference: `../shared/reference/fastapi-seed/run.sh`, one uvicorn worker. oidc-provider: `../shared/reference/oidc-provider-peer/run.sh`.',
    '',
    '| id | server | scenario | req/s | p50 ms | p99 ms | errors |',
    '|---|---|---|---:|---:|---:|---:|',
    ...rows.map(
      (row) =>
        `| ${row.id} | ${row.target} | ${row.scenario} | ${fmt(row.result.rps)} | ${fmt(row.result.p50ms, 2)} | ${fmt(row.result.p99ms, 2)} | ${row.result.errors} |`,
    ),
    '',
    `- RSS of the Players API after scenarios a–g: ${fmt(rss)} MB.`,
    `- Start (spawn to the first 200 on /health, empty database: migrations, seed, first signing key): ${fmt(startMs)} ms.`,
    `- WORKERS=2: GET /players/ ${fmt(scaled.c?.rps ?? 0)} req/s (${fmt((scaled.c?.rps ?? 0) / r.c.rps, 2)}× one process), tokens ${fmt(scaled.d?.rps ?? 0)}/s (${fmt((scaled.d?.rps ?? 0) / r.d.rps, 2)}×). Two workers share two cores with wrk itself.`,
  ];
  if (fastapi && oidc) {
    const errorsAtoF = (['a', 'b', 'c', 'd', 'e', 'f'] as const).reduce(
      (sum, k) => sum + r[k].errors,
      0,
    );
    lines.push(
      '',
      '## Targets',
      '',
      '| target | measured | wanted | |',
      '|---|---:|---:|---|',
      target('b/a (protected read vs ping)', r.b.rps / r.a.rps, 0.85),
      target('d tokens/s', r.d.rps, 8000),
      target('d / FastAPI d', r.d.rps / (fastapi.d as LoadResult).rps, 5),
      target('d / oidc-provider d', r.d.rps / oidc.rps, 1.6),
      target('c / FastAPI c', r.c.rps / (fastapi.c as LoadResult).rps, 5),
      target('e / FastAPI e', r.e.rps / (fastapi.e as LoadResult).rps, 3),
      target('f logins/s', r.f.rps, 40),
      target('g p99 / c p99', r.g.p99ms / r.c.p99ms, 3, false),
      target('non-2xx in a–f', errorsAtoF, 0, false),
      target('RSS MB', rss, 150, false),
      target('start ms', startMs, 1000, false),
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
