import { Ajv, type Options } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';

// ajv-formats is CommonJS; its default export arrives wrapped under ESM.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

/** ISO 8601 calendar date, or date and time with an offset: what `dateOfBirth` accepts. */
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;

function isIsoDate(value: string): boolean {
  return (
    ISO_DATE.test(value) &&
    !Number.isNaN(Date.parse(value.length === 10 ? `${value}T00:00:00Z` : value))
  );
}

function buildAjv(options: Options, sharedSchemas: readonly object[]): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: false, useDefaults: true, ...options });
  addFormats(ajv);
  ajv.addFormat('iso-date', { type: 'string', validate: isIsoDate });
  for (const schema of sharedSchemas) ajv.addSchema(schema);
  return ajv;
}

/**
 * Bodies are taken as typed (`"10"` is not a squad number) and unknown fields are errors;
 * path and query parameters are text by nature, so they are coerced to their schema type.
 * Installed as the schema controller's builder: Fastify rebuilds validators per plugin
 * context that adds schemas, and would otherwise fall back to its default ajv there.
 */
export function buildValidatorCompiler(
  sharedSchemas: Record<string, unknown> = {},
): FastifySchemaCompiler<unknown> {
  const shared = Object.values(sharedSchemas) as object[];
  const body = buildAjv({ coerceTypes: false, removeAdditional: false }, shared);
  const text = buildAjv({ coerceTypes: 'array', removeAdditional: false }, shared);
  return ({ schema, httpPart }) =>
    (httpPart === 'body' ? body : text).compile(schema as object) as ReturnType<
      FastifySchemaCompiler<unknown>
    >;
}
