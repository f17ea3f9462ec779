import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import pg from 'pg';
import { errorHandler } from '../../src/http/error-handler.js';

const POSTGRES_URL = process.env.TEST_POSTGRES_URL || 'postgres://postgres@127.0.0.1:5432/test';

describe('the error handler', () => {
  let app: FastifyInstance;
  let pool: pg.Pool;
  before(async () => {
    pool = new pg.Pool({ connectionString: POSTGRES_URL, max: 1 });
    app = Fastify();
    await app.register(errorHandler);
    // A route that sends its text to PostgreSQL unchecked, as a route missing its schema would.
    app.get<{ Querystring: { text: string } }>('/echo', async (request) => {
      const { rows } = await pool.query('select $1::text as text', [request.query.text]);
      return rows[0];
    });
  });
  after(async () => {
    await app.close();
    await pool.end();
  });

  test('text PostgreSQL cannot store, that no check caught: 400 problem JSON, not 500', async () => {
    const stored = await app.inject({ url: '/echo?text=plain' });
    assert.deepEqual(stored.json(), { text: 'plain' });
    const response = await app.inject({ url: '/echo?text=a%00b' });
    assert.equal(response.statusCode, 400);
    assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
    assert.equal(
      response.json().detail,
      'The request holds a character that cannot be stored (U+0000).',
    );
  });
});
