import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { parseFormBody } from '../../src/http/form-body.js';
import { BodyError } from '../../src/http/request-body.js';

// Names and values as a browser or an OAuth client library would send them. U+FFFD is left
// out: the parser cannot tell it from the replacement of a bad byte, and refuses both.
const text = fc.string({ unit: 'grapheme', maxLength: 30 }).filter((s) => !s.includes('\uFFFD'));

describe('form bodies (application/x-www-form-urlencoded)', () => {
  test('property: what URLSearchParams encodes comes back as the same parameters', () => {
    fc.assert(
      fc.property(fc.dictionary(text, text, { maxKeys: 8 }), (params) => {
        const parsed = parseFormBody(new URLSearchParams(Object.entries(params)).toString());
        assert.deepEqual(Object.entries(parsed).sort(), Object.entries(params).sort());
      }),
      { numRuns: 300 },
    );
  });

  test('property: a repeated name is refused, naming it', () => {
    fc.assert(
      fc.property(text, text, text, (name, first, second) => {
        const body = new URLSearchParams([
          [name, first],
          [name, second],
        ]).toString();
        assert.throws(
          () => parseFormBody(body),
          (error: unknown) =>
            error instanceof BodyError &&
            error.statusCode === 400 &&
            error.message === `The parameter ${name} is repeated.`,
        );
      }),
      { numRuns: 200 },
    );
  });

  test('+ and percent-escapes decode; an empty body is no parameters', () => {
    assert.deepEqual(parseFormBody('scope=read+write&x=%C3%A9%26'), {
      scope: 'read write',
      x: 'é&',
    });
    assert.deepEqual(parseFormBody(''), {});
  });

  test('__proto__ is an ordinary parameter, not the prototype', () => {
    const parsed = parseFormBody('__proto__=x&grant_type=password');
    assert.equal(Object.getPrototypeOf(parsed), Object.prototype);
    assert.equal(Object.getOwnPropertyDescriptor(parsed, '__proto__')?.value, 'x');
    assert.equal(parsed.grant_type, 'password');
    assert.throws(
      () => parseFormBody('__proto__=x&__proto__=y'),
      /parameter __proto__ is repeated/,
    );
  });

  test("names of Object.prototype's members are ordinary parameters", () => {
    const names = ['constructor', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf'];
    const parsed = parseFormBody(names.map((name) => `${name}=${name}-value`).join('&'));
    for (const name of names) {
      assert.equal(Object.getOwnPropertyDescriptor(parsed, name)?.value, `${name}-value`);
    }
    assert.throws(() => parseFormBody('toString=a&toString=b'), /parameter toString is repeated/);
  });

  test('bytes that are not UTF-8, in a name or a value, are refused', () => {
    for (const body of ['client_id=%FF%FE', 'a%C3=1', 'x=%E0%A4%A']) {
      assert.throws(() => parseFormBody(body), /not valid UTF-8/);
    }
  });
});
