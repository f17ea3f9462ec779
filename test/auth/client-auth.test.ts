import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import type { FastifyRequest } from 'fastify';
import { readClientCredentials } from '../../src/auth/client-auth.js';
import { InvalidRequest } from '../../src/auth/errors.js';

const withAuthorization = (authorization: string) =>
  ({ headers: { authorization } }) as unknown as FastifyRequest;

/** RFC 6749 §2.3.1: id and secret form-urlencoded, joined by a colon, base64. */
const basicValue = (id: string, secret: string) =>
  Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64');

const spaces = fc.integer({ min: 1, max: 3 }).map((n) => ' '.repeat(n));

describe('client credentials from an Authorization: Basic header', () => {
  test('property: any id and secret come back, whatever the scheme case and the spaces around', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 40 }),
        fc.string({ maxLength: 60 }),
        fc.constantFrom('Basic', 'basic', 'BASIC', 'bAsIc'),
        spaces,
        fc.constantFrom('', ' ', '  '),
        (id, secret, scheme, between, around) => {
          const header = `${around}${scheme}${between}${basicValue(id, secret)}${around}`;
          assert.deepEqual(readClientCredentials(withAuthorization(header), {}), {
            clientId: id,
            clientSecret: secret,
            usedBasic: true,
          });
        },
      ),
      { numRuns: 300 },
    );
  });

  test('a third part, a tab for the space, no credentials or another scheme: invalid_request', () => {
    const value = basicValue('client', 'secret');
    for (const header of [
      `Basic ${value} extra`,
      `Basic  ${value}  x`,
      `Basic\t${value}`,
      'Basic',
      '   Basic   ',
      `Bearer ${value}`,
      `Basicx ${value}`,
    ]) {
      assert.throws(
        () => readClientCredentials(withAuthorization(header), {}),
        InvalidRequest,
        JSON.stringify(header),
      );
    }
  });
});
