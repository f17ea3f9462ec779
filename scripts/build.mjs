// `npm run build`: src/server.ts and src/cli.ts, each bundled into one file in dist/.
// One file instead of hundreds of ESM modules is what makes a start take ~0.65 s, not ~1.2 s
// (bench/RESULTS.md). Type checking is `npm run lint`'s job, not the build's.
import { cpSync, rmSync } from 'node:fs';
import { build } from 'esbuild';

rmSync('dist', { recursive: true, force: true });
await build({
  entryPoints: ['src/server.ts', 'src/cli.ts'],
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  // Smaller source to parse and hold (1.9 MB, not 3.5 MB); names stay readable in stacks.
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
  // Native addons load from node_modules; swagger-ui serves its assets from its own folder.
  external: [
    'better-sqlite3',
    'better-sqlite3-napi',
    '@node-rs/argon2',
    'pg-native',
    '@fastify/swagger-ui',
  ],
  // The CommonJS packages inside the bundle (Fastify among them) call require().
  banner: {
    js: "import { createRequire as createRequireForBundle } from 'node:module'; const require = createRequireForBundle(import.meta.url);",
  },
});
// Read at run time next to the code that reads them (src/db/ in development, dist/ here).
cpSync('src/db/migrations', 'dist/migrations', { recursive: true });
cpSync('src/db/seed-players.json', 'dist/seed-players.json');
