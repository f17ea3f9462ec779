// Node 20's test runner does not expand globs: find test/**/*.test.ts here, then run them
// all in one `node --test` (its summary, `# pass N` / `# fail N`, ends the output).
import { execFileSync, spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

// The suite takes 2-4 minutes (10-15 on the slowest host seen); a run still going after
// this has hung, and must fail, not hold CI until its own limit.
const WATCHDOG_MS = 20 * 60_000;

const filters = process.argv.slice(2);
const files = readdirSync('test', { recursive: true })
  .map((f) => join('test', String(f)))
  .filter((f) => f.endsWith('.test.ts'))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();
// The tests' child processes run dist/ (test/process.ts): build it here, once, so that test
// files running side by side never rebuild it under each other.
execFileSync(process.execPath, ['scripts/build-if-needed.mjs'], { stdio: 'inherit' });
// Its own process group, so the watchdog and signals reach the servers the tests started too.
const runner = spawn(
  process.execPath,
  // --test-force-exit: a test that fails before closing its app would otherwise keep its
  // file's process alive, and the run, until the watchdog.
  ['--import', 'tsx', '--test', '--test-force-exit', '--test-reporter=tap', ...files],
  { stdio: 'inherit', detached: true, env: { ...process.env, PLAYERS_API_TESTS_BUILT: '1' } },
);
const killGroup = (signal) => {
  try {
    process.kill(-runner.pid, signal);
  } catch {
    // the group is already gone
  }
};
const watchdog = setTimeout(() => {
  console.error(`test run still going after ${WATCHDOG_MS / 60_000} minutes: killed`);
  killGroup('SIGKILL');
}, WATCHDOG_MS);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => killGroup(signal));
runner.on('exit', (code, signal) => {
  clearTimeout(watchdog);
  process.exit(signal ? 1 : (code ?? 1));
});
