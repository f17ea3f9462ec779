import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { after } from 'node:test';
import { TEST_SECRET_KEY, testDatabaseUrl } from './helpers.js';

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  output: () => string;
  /** Sends a signal and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

// Child processes run the bundles that `npm start` and `npx players-api` run, not the
// sources through tsx: what users get is what is tested, and a process starts in about a
// tenth of the time. They are rebuilt first when src/ has changed since, unless
// scripts/run-tests.mjs, which builds once for the whole run, says it has done so.
const ROOT = new URL('..', import.meta.url).pathname;
if (process.env.PLAYERS_API_TESTS_BUILT !== '1') {
  execFileSync(process.execPath, ['scripts/build-if-needed.mjs'], { cwd: ROOT, stdio: 'inherit' });
}
const SERVER = `${ROOT}dist/server.js`;
const CLI = `${ROOT}dist/cli.js`;

// A child left running keeps this test file's process alive, so a suite whose `before` failed
// half-way would hang the whole run: whatever is still running when the file ends is killed.
const running = new Set<ChildProcess>();
after(() => {
  for (const child of running) child.kill('SIGKILL');
});

/** Runs the server as a real process on a free port; resolves once it listens. */
export async function startServer(
  env: Record<string, string>,
  timeoutMs = 20_000,
): Promise<ServerProcess> {
  const child = spawn(process.execPath, [SERVER], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'test',
      SECRET_KEY: TEST_SECRET_KEY,
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not start:\n${output}`));
    }, timeoutMs);
    const check = () => {
      const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${output}`));
    });
  });
  return {
    child,
    url,
    output: () => output,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill(signal);
      const [code] = await once(child, 'exit');
      return code as number | null;
    },
  };
}

/** Runs the server expecting it to exit; resolves with its code and output. */
export async function runServerToExit(
  env: Record<string, string>,
): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [SERVER], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'silent',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  const [code] = await once(child, 'exit');
  return { code: code as number | null, stderr };
}

const cliEnv = (dir: string) => ({
  PATH: process.env.PATH,
  DATABASE_URL: testDatabaseUrl(dir),
  SECRET_KEY: TEST_SECRET_KEY,
  NODE_ENV: 'test',
});

/** Runs the admin command line on the test database of `dir`; `input` goes to its stdin. */
export function runCli(dir: string, args: string[], input?: string) {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    env: cliEnv(dir),
    encoding: 'utf8',
    ...(input !== undefined && { input }),
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** As `runCli`, but without blocking: several can run at once. */
export async function runCliAsync(dir: string, args: string[]) {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: cliEnv(dir),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  const [code] = await once(child, 'close');
  return { code: code as number | null, stdout, stderr };
}
