import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildApp } from '../src/app.js';
import { basic, tempDir, testConfig } from './helpers.js';
import { runCli } from './process.js';

const cli = (dir: string, ...args: string[]) => runCli(dir, args);

const field = (output: string, name: string) =>
  new RegExp(`${name}:\\s+(\\S+)`).exec(output)?.[1] ?? '';

describe('admin command line', () => {
  test('clients create, list, rotate-secret, disable, enable, delete; keys rotate, list; migrate, seed', async () => {
    const { dir, cleanup } = tempDir();
    assert.match(cli(dir, 'migrate').stdout, /applied 001_players/);
    assert.match(cli(dir, 'migrate').stdout, /already up to date/);

    const created = cli(
      dir,
      'clients',
      'create',
      '--name',
      'reporting',
      '--scopes',
      'write,admin write',
    );
    assert.equal(created.code, 0, created.stderr);
    const id = field(created.stdout, 'client_id');
    const secret = field(created.stdout, 'client_secret');
    assert.ok(secret.length >= 43, 'at least 256 bits, base64url');
    assert.match(
      cli(dir, 'clients', 'list').stdout,
      new RegExp(`${id}\\treporting\\twrite admin\\tcli`),
    );

    const tokenStatus = (app: Awaited<ReturnType<typeof buildApp>>, s: string) =>
      app
        .inject({
          method: 'POST',
          url: '/auth/token',
          headers: { authorization: basic(id, s) },
          payload: { grant_type: 'client_credentials' },
        })
        .then((r) => r.statusCode);
    const app = await buildApp({ config: testConfig({}, dir), logger: false });
    assert.equal(await tokenStatus(app, secret), 200);

    const rotated = field(cli(dir, 'clients', 'rotate-secret', id).stdout, 'client_secret');
    assert.notEqual(rotated, secret);
    await app.close();
    const again = await buildApp({ config: testConfig({}, dir), logger: false });
    assert.equal(await tokenStatus(again, secret), 401);
    assert.equal(await tokenStatus(again, rotated), 200);
    const disabled = cli(dir, 'clients', 'disable', id);
    assert.match(disabled.stdout, /disabled client/);
    assert.match(cli(dir, 'clients', 'list').stdout, new RegExp(`${id}\\t.*\\tdisabled\\t`));
    // The server learns of another process's change when its 5 s copy of the client expires.
    await again.close();
    const third = await buildApp({ config: testConfig({}, dir), logger: false });
    assert.equal(await tokenStatus(third, rotated), 401);
    assert.match(cli(dir, 'clients', 'enable', id).stdout, /enabled client/);
    await third.close();
    const fourth = await buildApp({ config: testConfig({}, dir), logger: false });
    assert.equal(await tokenStatus(fourth, rotated), 200);
    await fourth.close();
    assert.equal(cli(dir, 'clients', 'disable', 'no-such-client').code, 1);

    const keysBefore = cli(dir, 'keys', 'list').stdout.trim().split('\n');
    assert.equal(keysBefore.length, 1);
    assert.match(keysBefore[0] as string, /\tEdDSA\tcurrent\t/);
    assert.match(cli(dir, 'keys', 'rotate').stdout, /new current key/);
    const keysAfter = cli(dir, 'keys', 'list').stdout.trim().split('\n');
    assert.equal(keysAfter.length, 2);
    assert.ok(keysAfter.some((line) => /retired .*leaves JWKS/.test(line)));

    assert.match(cli(dir, 'clients', 'delete', id).stdout, /deleted/);
    assert.doesNotMatch(cli(dir, 'clients', 'list').stdout, new RegExp(id));
    const missing = cli(dir, 'clients', 'delete', id);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /No client with id/);

    for (const args of [
      ['clients', 'create', '--name', 'typo', '--scopes', 'wrte'],
      [
        'users',
        'create',
        '--username',
        'typo',
        '--password',
        'a long passphrase',
        '--scopes',
        'wrte',
      ],
    ]) {
      const typo = cli(dir, ...args);
      assert.equal(typo.code, 1, args.join(' '));
      assert.match(
        typo.stderr,
        /Unknown scope "wrte": this service grants write, admin, introspect/,
      );
    }
    assert.doesNotMatch(cli(dir, 'clients', 'list').stdout, /\ttypo\t/);

    assert.match(cli(dir, 'seed').stdout, /inserted 0 seed player/);
    const unknown = cli(dir, 'frobnicate');
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown command/);
    cleanup();
  });
  test('--name and --full-name take only what the HTTP API takes: exit 2 with the reason, nothing stored', async () => {
    const { dir, cleanup } = tempDir();
    for (const [args, reason] of [
      [['clients', 'create', '--name', 'bell\u0007'], /--name must not contain control characters/],
      [['clients', 'create', '--name', '  '], /--name must not be blank/],
      [['clients', 'create', '--name', ''], /--name must NOT have fewer than 1 characters/],
      [['clients', 'create', '--name', 'x'.repeat(201)], /--name must NOT have more than 200/],
      [
        [
          'users',
          'create',
          '--username',
          'tab',
          '--password',
          'a long passphrase',
          '--full-name',
          'a\tb',
        ],
        /--full-name must not contain control characters/,
      ],
    ] as const) {
      const refused = cli(dir, ...args);
      assert.equal(refused.code, 2, `${args.join(' ')}: ${refused.stderr}`);
      assert.match(refused.stderr, reason);
    }
    assert.equal(cli(dir, 'clients', 'list').stdout.trim(), 'no clients');
    assert.equal(cli(dir, 'users', 'disable', 'tab').code, 1, 'no user was made');
    cleanup();
  });
});

describe('clients made at start', () => {
  test('BOOTSTRAP_CLIENT_* creates the client, then updates its secret and scopes, never re-enables it', async () => {
    const { dir, cleanup } = tempDir();
    const env = {
      BOOTSTRAP_CLIENT_ID: 'boot',
      BOOTSTRAP_CLIENT_SECRET: 'boot-secret-0123456789abcdef0123456789',
    };
    const token = async (app: Awaited<ReturnType<typeof buildApp>>, secret: string) =>
      app.inject({
        method: 'POST',
        url: '/auth/token',
        headers: { authorization: basic('boot', secret) },
        payload: { grant_type: 'client_credentials' },
      });
    const first = await buildApp({ config: testConfig(env, dir), logger: false });
    assert.equal((await token(first, env.BOOTSTRAP_CLIENT_SECRET)).json().scope, 'write');
    await first.close();
    const changed = {
      BOOTSTRAP_CLIENT_ID: 'boot',
      BOOTSTRAP_CLIENT_SECRET: 'changed-secret-0123456789abcdef012345',
      BOOTSTRAP_CLIENT_SCOPES: 'write admin',
    };
    const second = await buildApp({ config: testConfig(changed, dir), logger: false });
    assert.equal((await token(second, env.BOOTSTRAP_CLIENT_SECRET)).statusCode, 401);
    assert.equal(
      (await token(second, changed.BOOTSTRAP_CLIENT_SECRET)).json().scope,
      'write admin',
    );
    // A disabled bootstrap client stays disabled across restarts: an operator's decision.
    await second.services.clients.setClientDisabled('boot', true);
    await second.close();
    const third = await buildApp({ config: testConfig(changed, dir), logger: false });
    assert.equal((await token(third, changed.BOOTSTRAP_CLIENT_SECRET)).statusCode, 401);
    await third.close();
    cleanup();
  });

  test('development makes one client on the first start and shows it once; production refuses it', async () => {
    const { dir, cleanup } = tempDir();
    const shown: string[] = [];
    const announceClient = ({ secret }: { secret: string }) => shown.push(secret);
    const dev = testConfig({ NODE_ENV: 'development' }, dir);
    await (await buildApp({ config: dev, logger: false, announceClient })).close();
    await (await buildApp({ config: dev, logger: false, announceClient })).close();
    assert.equal(shown.length, 1);
    const prod = testConfig({ NODE_ENV: 'production', ISSUER: 'https://auth.example' }, dir);
    await assert.rejects(
      buildApp({ config: prod, logger: false }),
      /refuses the development client/,
    );
    cleanup();
  });
});
