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

function buildAjv(options: Options): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: false, useDefaults: true, ...options });
  addFormats(ajv);
  ajv.addFormat('iso-date', { type: 'string', validate: isIsoDate });
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
      body: buildAjv({ coerceTypes: false, removeAdditional: false }),
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
