/**
 * fast-check arbitraries for fuzzing the API from its own OpenAPI document: values shaped by a
 * JSON schema (so many requests get past validation and reach the services and the store),
 * corrupted now and then with the inputs that break servers — NUL, lone surrogates, huge and
 * deeply nested values, prototype keys, injection strings, wrong types.
 */
import fc from 'fast-check';

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  format?: string;
  maxItems?: number;
  minimum?: number;
  maximum?: number;
  nullable?: boolean;
}

/**
 * JSON text sent as it is: nesting far deeper than JSON.stringify (or fast-check's printer)
 * could walk. `toJson` splices it into the request body.
 */
export class RawJson {
  constructor(readonly text: string) {}
  [fc.toStringMethod]() {
    return `RawJson(${this.text.length} characters)`;
  }
}

/** JSON.stringify, with every RawJson inside spliced in as its text. */
export function toJson(value: unknown): string {
  const raws: string[] = [];
  const marked = JSON.stringify(value, (_key, v) => {
    if (!(v instanceof RawJson)) return v;
    raws.push(v.text);
    return `\u0000raw${raws.length - 1}\u0000`;
  });
  if (marked === undefined) return 'null';
  return marked.replace(/"\\u0000raw(\d+)\\u0000"/g, (_m, i: string) => raws[Number(i)]!);
}

/** Strings that have broken servers somewhere. */
export const NASTY_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfffy',
  '\uffff',
  '\u202e',
  '𝕏😀',
  '%00',
  '../../etc/passwd',
  "' OR 1=1 --",
  '"; DROP TABLE packages; --',
  '$where',
  '{"$gt":""}',
  '<script>alert(1)</script>',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a log-injection probe, sent as it is
  '${jndi:ldap://127.0.0.1/a}',
  '__proto__',
  'constructor',
  'prototype',
  '1e309',
  '-0',
  'NaN',
  'null',
  'true',
  '0x7fffffff',
  '9'.repeat(400),
  'a'.repeat(70_000),
];

export const nastyString = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
);

/** A value of some other JSON type, a huge or deep one, or an object with prototype keys. */
export const nastyValue: fc.Arbitrary<unknown> = fc.oneof(
  nastyString,
  fc.constantFrom(null, true, false, 0, -1, 1.5, Number.MAX_SAFE_INTEGER, -1e308, 1e308),
  fc.constant(JSON.parse('{"__proto__":{"polluted":true},"constructor":{"prototype":{"x":1}}}')),
  fc
    .integer({ min: 1, max: 20_000 })
    .map((depth) => new RawJson(`${'['.repeat(depth)}"deep"${']'.repeat(depth)}`)),
  fc.constant(Array.from({ length: 5000 }, (_, i) => i)),
  fc.jsonValue({ maxDepth: 3 }),
);

export interface SchemaHints {
  /** Values worth trying for a property name (real ids, say); they are mixed with generated ones. */
  values?: Record<string, readonly unknown[]>;
  /** The only values a property name may take (besides corruption), e.g. versions that never match. */
  only?: Record<string, readonly unknown[]>;
  /** How often a slot is replaced by a nasty value, 0..1. */
  corruption?: number;
}

const UUID = fc.uuid();
const DATE = fc
  .date({ min: new Date('1900-01-01'), max: new Date('2200-01-01'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));

/** A value for `schema`, mostly valid, sometimes corrupted. */
export function fromSchema(
  schema: JsonSchema,
  hints: SchemaHints = {},
  name = '',
  depth = 0,
): fc.Arbitrary<unknown> {
  const corruption = hints.corruption ?? 0.08;
  const valid = validFromSchema(schema, hints, name, depth);
  const weightBad = Math.max(1, Math.round(corruption * 100));
  return fc.oneof(
    { weight: 100 - weightBad, arbitrary: valid },
    { weight: weightBad, arbitrary: nastyValue },
  );
}

function validFromSchema(
  schema: JsonSchema,
  hints: SchemaHints,
  name: string,
  depth: number,
): fc.Arbitrary<unknown> {
  const only = hints.only?.[name];
  if (only?.length) return fc.constantFrom(...only);
  const hinted = hints.values?.[name];
  const generated = shaped(schema, hints, depth);
  return hinted?.length
    ? fc.oneof({ weight: 2, arbitrary: fc.constantFrom(...hinted) }, { weight: 1, arbitrary: generated })
    : generated;
}

function shaped(schema: JsonSchema, hints: SchemaHints, depth: number): fc.Arbitrary<unknown> {
  if (depth > 6) return fc.constant(null);
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives?.length) return fc.oneof(...alternatives.map((s) => fromSchema(s, hints, '', depth + 1)));
  if (schema.allOf?.length) return fromSchema(schema.allOf[0]!, hints, '', depth + 1);
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum?.length) return fc.constantFrom(...schema.enum);
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'object': {
      const props = schema.properties ?? {};
      const required = new Set(schema.required ?? []);
      const record: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [key, sub] of Object.entries(props)) record[key] = fromSchema(sub, hints, key, depth + 1);
      return fc.record(record, { requiredKeys: [...required].filter((k) => k in props) });
    }
    case 'array':
      return fc.array(schema.items ? fromSchema(schema.items, hints, '', depth + 1) : fc.jsonValue(), {
        maxLength: Math.min(schema.maxItems ?? 4, 4),
      });
    case 'string':
      if (schema.format === 'uuid') return UUID;
      if (schema.format === 'date-time') return fc.date({ noInvalidDate: true }).map((d) => d.toISOString());
      if (schema.format === 'email') return fc.emailAddress();
      return fc.oneof(DATE, fc.string({ maxLength: 30 }), nastyString);
    case 'integer':
      return fc.integer({
        min: schema.minimum ?? -10,
        max: Math.min(schema.maximum ?? 1_000_000, 1_000_000),
      });
    case 'number':
      return fc.double({ noNaN: true });
    case 'boolean':
      return fc.boolean();
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}
