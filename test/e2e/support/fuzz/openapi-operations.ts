import fs from 'node:fs';
import path from 'node:path';

/** The subset of JSON Schema the committed OpenAPI document uses for parameters and bodies. */
export interface Schema {
  readonly type?: string;
  readonly format?: string;
  readonly pattern?: string;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly enum?: readonly unknown[];
  readonly properties?: Record<string, Schema>;
  readonly required?: readonly string[];
  readonly $ref?: string;
}

export interface Parameter {
  readonly in: 'path' | 'query' | 'header';
  readonly name: string;
  readonly schema: Schema;
}

export interface Operation {
  readonly method: string;
  /** The path template, `{name}` for each path parameter. */
  readonly path: string;
  readonly parameters: readonly Parameter[];
  /** The JSON body's schema (refs resolved one level), when the operation takes one. */
  readonly body?: Schema;
  readonly secured: boolean;
}

interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: { schemas: Record<string, Schema> };
}

interface OpenApiOperation {
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: Schema }> };
  security?: unknown[];
}

/**
 * Every operation of the committed OpenAPI document (docs/openapi.json, generated from the code by
 * `npm run docs:openapi`): the fuzzer follows what the API declares, so a new route is fuzzed too.
 */
export function openApiOperations(
  file = path.resolve(__dirname, '../../../../docs/openapi.json'),
): Operation[] {
  const doc = JSON.parse(fs.readFileSync(file, 'utf8')) as OpenApiDocument;
  const resolve = (schema: Schema): Schema =>
    schema.$ref ? doc.components.schemas[schema.$ref.split('/').pop()!] : schema;
  return Object.entries(doc.paths).flatMap(([template, methods]) =>
    Object.entries(methods).map(([method, op]) => {
      const json = op.requestBody?.content['application/json'];
      return {
        method: method.toUpperCase(),
        path: template,
        parameters: op.parameters ?? [],
        body: json ? resolve(json.schema) : undefined,
        secured: (op.security ?? []).length > 0,
      };
    }),
  );
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a text value (as the server decodes it) satisfies a string or integer schema. */
export function satisfies(schema: Schema, value: string): boolean {
  if (schema.enum) return schema.enum.includes(value);
  if (schema.type === 'integer') {
    if (!/^-?\d+$/.test(value.trim())) return false;
    const n = Number(value);
    return (
      Number.isSafeInteger(n) &&
      (schema.minimum === undefined || n >= schema.minimum) &&
      (schema.maximum === undefined || n <= schema.maximum)
    );
  }
  if (schema.format === 'uuid' && !UUID.test(value)) return false;
  if (schema.minLength !== undefined && value.length < schema.minLength) return false;
  if (schema.maxLength !== undefined && value.length > schema.maxLength) return false;
  return schema.pattern === undefined || new RegExp(schema.pattern, 'u').test(value);
}
