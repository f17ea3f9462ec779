import { Ajv, type Options } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';
import type { TSchema } from 'typebox';
import { isPlainText, PLAIN_TEXT_FORMAT } from '../plain-text.js';
import { fieldErrors } from './error-handler.js';

// ajv-formats is CommonJS; its default export arrives wrapped under ESM.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

/** ISO 8601 calendar date, or date and time with an offset: what `dateOfBirth` accepts. */
const ISO_DATE =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):(\d{2})))?$/;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const isLeapYear = (year: number) => year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);

/**
 * The text's shape and every field's range: a day that its month has (29 February only in
 * a leap year), hours to 23, minutes, seconds and offsets' minutes to 59 (a leap second's
 * :60 too: `Date.parse` cannot read it back). `Date.parse` alone takes 2020-02-30 and rolls
 * it over into March.
 */
function isIsoDate(value: string): boolean {
  const match = ISO_DATE.exec(value);
  if (match === null) return false;
  const field = (index: number) => Number(match[index] ?? 0);
  const [year, month, day] = [field(1), field(2), field(3)];
  const days = month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month - 1];
  return (
    days !== undefined &&
    day >= 1 &&
    day <= days &&
    field(4) <= 23 &&
    field(5) <= 59 &&
    field(6) <= 59 &&
    field(7) <= 23 &&
    field(8) <= 59
  );
}

const BODY_OPTIONS: Options = { coerceTypes: false, removeAdditional: false };

function buildAjv(options: Options): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: false, useDefaults: true, ...options });
  addFormats(ajv);
  ajv.addFormat('iso-date', { type: 'string', validate: isIsoDate });
  ajv.addFormat(PLAIN_TEXT_FORMAT, { type: 'string', validate: isPlainText });
  return ajv;
}

function addShared(ajv: Ajv, schemas: readonly object[]): void {
  for (const schema of schemas) {
    const id = (schema as { $id?: string }).$id;
    if (id === undefined || ajv.getSchema(id) === undefined) ajv.addSchema(schema);
  }
}

/**
 * Bodies are taken as typed (`"10"` is not a squad number) and unknown fields are errors;
 * path and query parameters are text by nature, so they are coerced to their schema type.
 * Installed as the schema controller's builder: Fastify asks for a compiler per plugin
 * context that adds schemas, and would otherwise fall back to its default ajv there. The
 * two ajv instances are made once per app and shared by every context (building them per
 * context was a fifth of the start-up time).
 */
export function validatorCompilerBuilder() {
  let instances: { body: Ajv; text: Ajv } | undefined;
  return (sharedSchemas: Record<string, unknown> = {}): FastifySchemaCompiler<unknown> => {
    instances ??= {
      body: buildAjv(BODY_OPTIONS),
      text: buildAjv({ coerceTypes: 'array', removeAdditional: false }),
    };
    const { body, text } = instances;
    const shared = Object.values(sharedSchemas) as object[];
    addShared(body, shared);
    addShared(text, shared);
    return ({ schema, httpPart }) =>
      (httpPart === 'body' ? body : text).compile(schema as object) as ReturnType<
        FastifySchemaCompiler<unknown>
      >;
  };
}

/**
 * Checks one value as a body field with this schema is checked, for input that reaches a
 * service without a request (the command line): the problems in the words a 422 uses, none
 * when the value would be taken.
 */
export function valueCheck(schema: TSchema): (value: unknown) => string[] {
  const validate = buildAjv(BODY_OPTIONS).compile(schema);
  return (value) =>
    validate(value) ? [] : fieldErrors(validate.errors ?? []).map((error) => error.message);
}
