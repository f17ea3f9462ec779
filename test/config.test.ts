import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ConfigError, loadConfig, settings } from '../src/config.js';
import { tempDir } from './helpers.js';

const load = (env: Record<string, string>) => loadConfig({ env, envFile: null });

describe('config', () => {
  test('defaults follow the contract', () => {
    const config = load({});
    assert.equal(config.PORT, 9000);
    assert.equal(config.HOST, '0.0.0.0');
    assert.equal(config.DATABASE_URL, 'sqlite:./data/players.db');
    assert.equal(config.ISSUER, 'http://localhost:9000');
    assert.equal(config.AUDIENCE, 'players-api');
    assert.equal(config.ACCESS_TOKEN_TTL, 3600);
    assert.equal(config.REFRESH_TOKEN_TTL, 1209600);
    assert.equal(config.JWT_ALG, 'EdDSA');
    assert.equal(config.AUTH_FAILURE_STATUS, '401');
    assert.deepEqual(config.BOOTSTRAP_CLIENT_SCOPES, ['write']);
    assert.equal(config.NODE_ENV, 'development');
    assert.equal(config.REDIS_URL, undefined);
  });

  test('scope lists: spaces or commas between scopes, a repeated scope kept once', () => {
    assert.deepEqual(
      load({ BOOTSTRAP_CLIENT_SCOPES: 'write, admin write' }).BOOTSTRAP_CLIENT_SCOPES,
      ['write', 'admin'],
    );
  });

  test('CORS_ORIGINS: origins as a browser sends them, a trailing slash forgiven; or *', () => {
    assert.deepEqual(
      load({ CORS_ORIGINS: 'https://app.example/, http://localhost:3000' }).CORS_ORIGINS,
      ['https://app.example', 'http://localhost:3000'],
    );
    assert.deepEqual(load({ CORS_ORIGINS: '*' }).CORS_ORIGINS, ['*']);
    assert.equal(load({}).CORS_ORIGINS, undefined);
  });

  test('a bad value throws one line naming the variable and what it allows', () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ PORT: 'abc' }, /^PORT must be an integer from 0 to 65535/],
      [{ JWT_ALG: 'none' }, /^JWT_ALG must be one of EdDSA, ES256, RS256, HS256/],
      [{ JWT_ALG: 'HS256' }, /^JWT_SECRET is required/],
      [{ JWT_ALG: 'HS256', JWT_SECRET: 'short' }, /^JWT_SECRET must be at least 32 bytes/],
      [{ DATABASE_URL: 'mysql://x' }, /^DATABASE_URL must be sqlite:<path> or postgres/],
      [{ REDIS_URL: 'http://x' }, /^REDIS_URL must start with redis:/],
      [{ CLOCK_TOLERANCE: '3600' }, /^CLOCK_TOLERANCE must be an integer from 0 to 60/],
      [{ AUTH_FAILURE_STATUS: '500' }, /^AUTH_FAILURE_STATUS must be one of 401, 403/],
      [{ SECRET_KEY: 'too-short' }, /^SECRET_KEY must be at least 32 bytes/],
      [{ BOOTSTRAP_CLIENT_SCOPES: 'write "bad"' }, /^BOOTSTRAP_CLIENT_SCOPES has an invalid scope/],
      [{ CORS_ORIGINS: 'app.example' }, /^CORS_ORIGINS has "app.example", not an origin/],
      [
        { CORS_ORIGINS: 'https://app.example/login' },
        /^CORS_ORIGINS has "https:\/\/app.example\/login", not an origin \(scheme:\/\/host\[:port\]\)/,
      ],
      [
        { CORS_ORIGINS: 'ftp://app.example' },
        /^CORS_ORIGINS has "ftp:\/\/app.example", not an origin/,
      ],
      [
        { BOOTSTRAP_CLIENT_ID: 'tab\tin-the-middle' },
        /^BOOTSTRAP_CLIENT_ID must be one line of printable characters/,
      ],
      [
        { BOOTSTRAP_CLIENT_SCOPES: 'write wrte' },
        /^BOOTSTRAP_CLIENT_SCOPES has an unknown scope "wrte": this service grants write, admin, introspect/,
      ],
    ];
    for (const [env, message] of cases) {
      assert.throws(
        () => load(env),
        (error: Error) =>
          error instanceof ConfigError &&
          message.test(error.message) &&
          !error.message.includes('\n'),
      );
    }
  });

  test('production refuses a missing secret, a weak client secret and an http issuer', () => {
    const prod = {
      NODE_ENV: 'production',
      SECRET_KEY: 'k'.repeat(32),
      ISSUER: 'https://auth.example',
    };
    assert.doesNotThrow(() => load(prod));
    assert.throws(() => load({ ...prod, SECRET_KEY: '' }), /SECRET_KEY is required/);
    assert.throws(() => load({ ...prod, ISSUER: 'http://auth.example' }), /ISSUER must be https/);
    assert.doesNotThrow(() =>
      load({ ...prod, ISSUER: 'http://auth.example', ALLOW_INSECURE_ISSUER: 'true' }),
    );
    assert.throws(
      () =>
        load({
          ...prod,
          BOOTSTRAP_CLIENT_ID: 'demo',
          BOOTSTRAP_CLIENT_SECRET: 'demo-secret-123456',
        }),
      /BOOTSTRAP_CLIENT_SECRET must be at least 32 bytes/,
    );
  });

  test('.env is read, and the real environment wins over it', () => {
    const { dir, cleanup } = tempDir();
    const file = join(dir, '.env');
    writeFileSync(file, 'PORT=9100\nAUDIENCE="from-file"\n# comment\n');
    const config = loadConfig({ env: { PORT: '9200' }, envFile: file });
    assert.equal(config.PORT, 9200);
    assert.equal(config.AUDIENCE, 'from-file');
    cleanup();
  });

  test('the README documents every setting with its default', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    for (const [name, setting] of Object.entries(settings)) {
      const row = readme.split('\n').find((line) => line.startsWith(`| \`${name}\``));
      assert.ok(row, `README has a row for ${name}`);
      if (setting.default !== undefined)
        assert.ok(row.includes(`\`${setting.default}\``), `README shows the default of ${name}`);
    }
  });
});
