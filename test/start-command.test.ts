import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { readStartCommand } from '../scripts/start-command.js';

const ROOT = new URL('..', import.meta.url).pathname;
const start = readStartCommand(`${ROOT}package.json`);
const dockerfile = readFileSync(`${ROOT}Dockerfile`, 'utf8');

test('npm start gives Node flags that this Node accepts', () => {
  assert.ok(start.nodeFlags.length > 0);
  const node = spawnSync(process.execPath, [...start.nodeFlags, '-e', ''], { encoding: 'utf8' });
  assert.equal(node.status, 0, node.stderr);
  assert.equal(node.stderr, '');
});

test('the Docker image runs Node as npm start does', () => {
  const cmd = /^CMD (\[.*\])$/m.exec(dockerfile)?.[1];
  assert.ok(cmd, 'the Dockerfile has an exec-form CMD');
  assert.deepEqual(JSON.parse(cmd), ['node', ...start.nodeFlags, 'dist/server.js']);
  assert.match(
    dockerfile,
    new RegExp(`^ENV .*\\bMALLOC_ARENA_MAX=${start.mallocArenaMax}\\b`, 'm'),
  );
});
