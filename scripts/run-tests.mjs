// Node 20's test runner does not expand globs: find test/**/*.test.ts here, then run them
// all in one `node --test` (its summary, `# pass N` / `# fail N`, ends the output).
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const filters = process.argv.slice(2);
const files = readdirSync('test', { recursive: true })
  .map((f) => join('test', String(f)))
  .filter((f) => f.endsWith('.test.ts'))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=tap', ...files],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
