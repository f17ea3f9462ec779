import { Type } from 'typebox';

// C0 and C1 control characters (tab and newline among them) and unpaired UTF-16
// surrogates. PostgreSQL cannot store U+0000 at all; the others have no place in a name
// and would garble the logs and pages that show it.
const UNPRINTABLE = /[\p{Cc}\p{Cs}]/u;

/** True when `value` is one line of printable text: what any stored name or label must be. */
export const isPlainText = (value: string): boolean => !UNPRINTABLE.test(value);

/** The ajv format (registered in http/validation.ts) that checks `isPlainText`. */
export const PLAIN_TEXT_FORMAT = 'plain-text';
export const PLAIN_TEXT_PROBLEM = 'must not contain control characters or unpaired surrogates';

// At least one character that is not white space (JavaScript's \s: Unicode White_Space and
// the BOM): a name of only spaces would be stored, and shown, as an empty one.
export const NOT_BLANK_PATTERN = '\\S';
export const NOT_BLANK_PROBLEM = 'must not be blank';

/** The longest client name or user full name, in characters (code points, as ajv counts). */
export const NAME_MAX_LENGTH = 200;

/** A string field that is stored and shown: non-blank, bounded, plain text. */
export const PlainText = (options: { description?: string; maxLength: number }) =>
  Type.String({ minLength: 1, ...options, format: PLAIN_TEXT_FORMAT, pattern: NOT_BLANK_PATTERN });
