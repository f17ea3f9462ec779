// `npm start` runs the bundled code; build first when dist/ is missing or older than src/.
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
  process.stderr.write('players-api: building dist/ (npm run build)…\n');
  execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
}
