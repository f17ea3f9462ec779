import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { type AppOptions, buildApp } from '../src/app.js';
import { type Config, loadConfig } from '../src/config.js';

export const TEST_SECRET_KEY = 'test-secret-key-0123456789abcdef0123456789';

export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'players-api-test-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * The database a test runs on: a SQLite file in `dir`, or, when the suite runs with
 * TEST_DATABASE_URL=postgres://…, a schema of that PostgreSQL database named after `dir`
 * (so one temporary folder is one database, whichever the dialect).
 */
export function testDatabaseUrl(dir: string): string {
  const postgres = process.env.TEST_DATABASE_URL;
  if (postgres === undefined || postgres === '') return `sqlite:${join(dir, 'players.db')}`;
  const url = new URL(postgres);
  url.searchParams.set(
    'schema',
    `t_${createHash('sha256').update(dir).digest('hex').slice(0, 16)}`,
  );
  return url.toString();
}

/** Settings for a test: a fresh database unless DATABASE_URL is given. */
export function testConfig(env: Record<string, string> = {}, dir = tempDir().dir): Config {
  return loadConfig({
    env: {
      DATABASE_URL: testDatabaseUrl(dir),
      SECRET_KEY: TEST_SECRET_KEY,
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      ...env,
    },
    envFile: null,
  });
}

/** A controllable clock, in epoch milliseconds. */
export function testClock(start = Date.now()) {
  let now = start;
  return {
    now: () => now,
    advance(seconds: number) {
      now += seconds * 1000;
    },
  };
}

export interface TestClient {
  id: string;
  secret: string;
}

export interface TestApp {
  app: FastifyInstance;
  config: Config;
  client: TestClient;
  /** A token from the token endpoint (client_credentials, HTTP Basic). */
  token(scope?: string, client?: TestClient): Promise<string>;
  close(): Promise<void>;
}

export function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
}

export async function startTestApp(
  env: Record<string, string> = {},
  options: Partial<AppOptions> = {},
  scopes = ['write'],
): Promise<TestApp> {
  const { dir, cleanup } = tempDir();
  const config = testConfig(env, dir);
  const app = await buildApp({ config, logger: false, ...options });
  const made = await app.services.clients.createClient({ name: 'test', scopes });
  const client = { id: made.client.id, secret: made.secret };
  return {
    app,
    config,
    client,
    async token(scope, who = client) {
      const response = await app.inject({
        method: 'POST',
        url: '/auth/token',
        headers: { authorization: basic(who.id, who.secret) },
        payload: { grant_type: 'client_credentials', ...(scope !== undefined && { scope }) },
      });
      if (response.statusCode !== 200)
        throw new Error(`token: ${response.statusCode} ${response.body}`);
      return response.json().access_token as string;
    },
    async close() {
      const { database } = app.services;
      if (database.schema !== undefined) {
        await sql`drop schema if exists ${sql.id(database.schema)} cascade`.execute(database.db);
      }
      await app.close();
      cleanup();
    },
  };
}

/** The status of `GET /protected` with `token` as the bearer. */
export async function protectedStatus(app: FastifyInstance, token: string): Promise<number> {
  const response = await app.inject({
    url: '/protected',
    headers: { authorization: `Bearer ${token}` },
  });
  return response.statusCode;
}

export const newPlayer = (squadNumber: number, extra: Record<string, unknown> = {}) => ({
  firstName: 'Test',
  lastName: `Player ${squadNumber}`,
  squadNumber,
  position: 'Midfielder',
  ...extra,
});
