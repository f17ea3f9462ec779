// `npm start` runs the compiled code; compile first when dist/ is missing or older than src/.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function newest(dir) {
  let latest = 0;
  for (const entry of readdirSync(dir, { recursive: true })) {
    latest = Math.max(latest, statSync(join(dir, String(entry))).mtimeMs);
  }
  return latest;
}

const built = existsSync('dist/server.js') && existsSync('dist/cli.js');
if (!built || newest('src') > newest('dist')) {
  process.stderr.write('players-api: compiling TypeScript (npm run build)…\n');
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], {
    stdio: 'inherit',
  });
}
