import { readFileSync } from 'node:fs';

/** How `npm start` runs the service. */
export interface StartCommand {
  /** The flags given to Node before `dist/server.js`. */
  nodeFlags: string[];
  /** glibc's arena count when the environment sets none. */
  mallocArenaMax: string;
}

const START =
  /^MALLOC_ARENA_MAX=\$\{MALLOC_ARENA_MAX:-(\d+)\} node((?: --[\w-]+(?:=\S+)?)*) dist\/server\.js$/;

/**
 * Reads package.json's `start` script, the one place the service's Node flags are written:
 * the bench runs the service with them, and a test holds the Docker image's CMD to them.
 */
export function readStartCommand(packageJson: string): StartCommand {
  const start = (JSON.parse(readFileSync(packageJson, 'utf8')) as { scripts: { start: string } })
    .scripts.start;
  const match = START.exec(start);
  if (match === null) {
    throw new Error(
      `${packageJson}: scripts.start is not "MALLOC_ARENA_MAX=\${MALLOC_ARENA_MAX:-N} node [--flag ...] dist/server.js": ${start}`,
    );
  }
  return {
    mallocArenaMax: match[1] as string,
    nodeFlags: (match[2] as string).split(' ').filter((flag) => flag !== ''),
  };
}
