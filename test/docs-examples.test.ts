import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { startTestApp, type TestApp } from './helpers.js';

const ROOT = new URL('..', import.meta.url);
const read = (file: string) => readFileSync(new URL(file, ROOT), 'utf8');

interface Write {
  method: 'POST' | 'PUT' | 'DELETE';
  url: string;
  body?: unknown;
}

/** The player writes of the README's curl walk-through, in order. */
function readmeWrites(): Write[] {
  const commands = read('README.md').replaceAll('\\\n', ' ').split('\n');
  return commands.flatMap((line) => {
    const request = /^curl .*-X (POST|PUT|DELETE) localhost:9000(\/players\S*)/.exec(line);
    if (request === null || !line.includes('Authorization: Bearer')) return [];
    const body = /-d '(\{.*\})'/.exec(line)?.[1];
    return [
      {
        method: request[1] as Write['method'],
        url: request[2] as string,
        ...(body !== undefined && { body: JSON.parse(body) }),
      },
    ];
  });
}

/** The player writes of players.http (one request per `###` section), in order. */
function httpFileWrites(): Write[] {
  return read('players.http')
    .split(/^###.*$/m)
    .flatMap((section) => {
      const lines = section.split('\n').filter((l) => !l.startsWith('#'));
      const start = lines.findIndex((l) => /^(POST|PUT|DELETE) \{\{baseUrl\}\}\/players/.test(l));
      if (start === -1) return [];
      const [method, url] = (lines[start] as string).replace('{{baseUrl}}', '').split(' ');
      const blank = lines.indexOf('', start);
      const headers = lines.slice(start + 1, blank === -1 ? undefined : blank);
      if (!headers.some((h) => h.startsWith('Authorization: Bearer'))) return [];
      const body = blank === -1 ? '' : lines.slice(blank).join('\n').trim();
      return [
        {
          method: method as Write['method'],
          url: url as string,
          ...(body !== '' && { body: JSON.parse(body) }),
        },
      ];
    });
}

describe('the documented examples, run against a fresh service', () => {
  let t: TestApp;
  let authorization: string;
  before(async () => {
    t = await startTestApp();
    authorization = `Bearer ${await t.token('write')}`;
  });
  after(() => t.close());

  for (const [source, writes] of [
    ['README walk-through', readmeWrites],
    ['players.http', httpFileWrites],
  ] as const) {
    test(`${source}: create, replace and delete a player, and leave the 26 seeded ones as they were`, async () => {
      const found = writes();
      assert.deepEqual(
        found.map((w) => w.method),
        ['POST', 'PUT', 'DELETE'],
      );
      const squad = async () => (await t.app.inject({ url: '/players/' })).json();
      const before = await squad();
      for (const [write, status] of found.map((w, i) => [w, [201, 204, 204][i]] as const)) {
        const response = await t.app.inject({
          method: write.method,
          url: write.url,
          headers: { authorization },
          ...(write.body !== undefined && { payload: write.body as object }),
        });
        assert.equal(response.statusCode, status, `${write.method} ${write.url}: ${response.body}`);
      }
      assert.deepEqual(await squad(), before);
    });
  }
});
