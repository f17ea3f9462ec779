import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const scripts = mkdtempSync(join(tmpdir(), 'players-bench-wrk-'));

export interface LoadResult {
  requests: number;
  seconds: number;
  rps: number;
  p50ms: number;
  p99ms: number;
  /** Non-2xx/3xx answers plus socket errors and timeouts. */
  errors: number;
}

export interface LoadOptions {
  url: string;
  seconds: number;
  connections: number;
  threads?: number;
  /** Lua that defines `request` (and may use `init`/`setup`), without `done`. */
  lua?: string;
  headers?: Record<string, string>;
}

// wrk reports through this `done`: one JSON line that the harness parses.
const DONE = `
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('{"requests":%d,"micros":%d,"p50":%d,"p99":%d,"errors":%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.status + e.timeout))
end
`;

let counter = 0;

/** Runs Debian's wrk against `url` and returns throughput and latency. */
export async function load(options: LoadOptions): Promise<LoadResult> {
  const file = join(scripts, `scenario-${counter++}.lua`);
  const headers = Object.entries(options.headers ?? {})
    .map(([k, v]) => `wrk.headers[${JSON.stringify(k)}] = ${JSON.stringify(v)}`)
    .join('\n');
  writeFileSync(file, `${headers}\n${options.lua ?? ''}\n${DONE}`);
  const args = [
    `-t${options.threads ?? 2}`,
    `-c${options.connections}`,
    `-d${options.seconds}s`,
    '--timeout',
    '10s',
    '-s',
    file,
    options.url,
  ];
  const { stdout } = await run('wrk', args, { maxBuffer: 1 << 20 });
  const line = stdout
    .trim()
    .split('\n')
    .findLast((l) => l.startsWith('{'));
  if (line === undefined) throw new Error(`wrk printed no result:\n${stdout}`);
  const raw = JSON.parse(line) as {
    requests: number;
    micros: number;
    p50: number;
    p99: number;
    errors: number;
  };
  const seconds = raw.micros / 1e6;
  return {
    requests: raw.requests,
    seconds,
    rps: raw.requests / seconds,
    p50ms: raw.p50 / 1000,
    p99ms: raw.p99 / 1000,
    errors: raw.errors,
  };
}

/** A POST of a fixed body. */
export function postLua(body: string, contentType: string): string {
  return `wrk.method = "POST"\nwrk.body = ${JSON.stringify(body)}\nwrk.headers["Content-Type"] = "${contentType}"`;
}

/**
 * Create then delete a player, alternately, on one connection per thread: each thread
 * owns one squad number. What comes next follows the last answer (wrk asks for one extra
 * request per thread at start, which a simple counter would miscount).
 */
export function createDeleteLua(numbers: number[], token: string): string {
  return `
local numbers = {${numbers.join(',')}}
local next_id = 0
setup = function(thread)
  next_id = next_id + 1
  thread:set("number", numbers[next_id])
end
local exists = false
request = function()
  if not exists then
    local body = '{"firstName":"Bench","lastName":"Player","squadNumber":' .. number .. ',"position":"Midfielder"}'
    return wrk.format("POST", "/players/", { ["Authorization"] = "Bearer ${token}", ["Content-Type"] = "application/json" }, body)
  end
  return wrk.format("DELETE", "/players/squadnumber/" .. number, { ["Authorization"] = "Bearer ${token}" })
end
response = function(status)
  exists = (status == 201 or status == 409)
end
`;
}
