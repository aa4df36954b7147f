/**
 * Walks the app's OpenAPI document: lists every operation, builds a valid-ish baseline request
 * from its schemas (with the caller's fixture values), and generates hostile mutations of it with
 * fast-check. Mutations are plain data, so a failing case prints as something one can replay.
 */
import fc from "fast-check";
import {
  hostileHeaderValue,
  hostileKey,
  hostilePathSegment,
  hostileQueryValue,
  hostileShape,
  hostileValueFor,
} from "./hostile-values.ts";

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  pattern?: string;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  example?: unknown;
  default?: unknown;
  $ref?: string;
}

interface ParameterObject {
  name: string;
  in: string;
  required?: boolean;
  schema?: JsonSchema;
}

interface OperationObject {
  security?: unknown[];
  parameters?: ParameterObject[];
  requestBody?: { required?: boolean; content: Record<string, { schema: JsonSchema }> };
}

export interface OpenApiDoc {
  paths: Record<string, Record<string, OperationObject>>;
  components?: { schemas?: Record<string, JsonSchema> };
}

export type ParamIn = "path" | "query" | "header";

export interface ParamSpec {
  name: string;
  in: ParamIn;
  required: boolean;
  schema: JsonSchema;
}

export interface Operation {
  /** "POST /v1/holds" */
  key: string;
  method: string;
  path: string;
  /** Needs the admin bearer token (its security requirement names `adminToken`). */
  admin: boolean;
  params: ParamSpec[];
  body: { required: boolean; schema: JsonSchema } | undefined;
}

const METHODS = ["get", "post", "put", "patch", "delete"];

/** Every operation of the document, in document order, with `$ref`s resolved. */
export function listOperations(doc: OpenApiDoc): Operation[] {
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!METHODS.includes(method)) continue;
      const body = op.requestBody?.content["application/json"]?.schema;
      ops.push({
        key: `${method.toUpperCase()} ${path}`,
        method: method.toUpperCase(),
        path,
        admin: (op.security ?? []).some(
          (r) => typeof r === "object" && r !== null && "adminToken" in r,
        ),
        params: (op.parameters ?? []).map((p) => ({
          name: p.name,
          in: p.in as ParamIn,
          required: p.required === true,
          schema: deref(doc, p.schema ?? {}),
        })),
        body: body && { required: op.requestBody?.required === true, schema: deref(doc, body) },
      });
    }
  }
  return ops;
}

/** The schema with every `$ref` replaced by its target (the document has no cycles). */
export function deref(doc: OpenApiDoc, schema: JsonSchema): JsonSchema {
  if (schema.$ref) {
    const name = schema.$ref.replace("#/components/schemas/", "");
    const target = doc.components?.schemas?.[name];
    if (!target) throw new Error(`unresolved $ref ${schema.$ref}`);
    return deref(doc, target);
  }
  const out: JsonSchema = { ...schema };
  if (schema.items) out.items = deref(doc, schema.items);
  if (schema.properties) {
    out.properties = Object.fromEntries(
      Object.entries(schema.properties).map(([k, v]) => [k, deref(doc, v)]),
    );
  }
  return out;
}

export const typeOf = (schema: JsonSchema): string | undefined =>
  Array.isArray(schema.type) ? schema.type.find((t) => t !== "null") : schema.type;

/**
 * A valid-ish value for `schema`: the caller's hint for the field name first, then an object
 * built from its properties (required ones, and optional ones with a hint or an example), then
 * the schema's example, default or first enum value.
 */
export function baselineValue(
  schema: JsonSchema,
  name: string,
  hints: Record<string, unknown>,
): unknown {
  if (name in hints) return hints[name];
  if (typeOf(schema) === "object" && schema.properties) {
    const required = new Set(schema.required ?? []);
    const out: Record<string, unknown> = {};
    for (const [key, prop] of Object.entries(schema.properties)) {
      const wanted = required.has(key) || key in hints || prop.example !== undefined;
      if (wanted) out[key] = baselineValue(prop, key, hints);
    }
    return out;
  }
  if (schema.example !== undefined) return structuredClone(schema.example);
  if (schema.default !== undefined) return structuredClone(schema.default);
  if (schema.enum?.length) return schema.enum[0];
  if (typeOf(schema) === "array") {
    return schema.minItems ? [baselineValue(schema.items ?? {}, name, hints)] : [];
  }
  if (typeOf(schema) === "integer" || typeOf(schema) === "number") return schema.minimum ?? 1;
  if (typeOf(schema) === "boolean") return true;
  return "x".repeat(Math.max(1, schema.minLength ?? 1));
}

/** One request, before encoding: raw (already percent-encoded) path and query parts. */
export interface RequestShape {
  method: string;
  pathTemplate: string;
  path: Record<string, string>;
  query: [string, string][];
  headers: Record<string, string>;
  body: { kind: "json"; value: unknown } | { kind: "raw"; label: RawBodyLabel } | undefined;
  /** The baseline's JSON body text, which raw variants ("text/plain baseline") are made from. */
  baselineBody: string;
}

/** A path into a JSON body: object keys and array indexes. */
export type JsonPath = (string | number)[];

export type Mutation =
  | { kind: "none" }
  | { kind: "body-drop"; at: JsonPath }
  | { kind: "body-set"; at: JsonPath; value: unknown }
  | { kind: "body-add"; at: JsonPath; key: string; value: unknown }
  | { kind: "body-replace"; value: unknown }
  | { kind: "raw-body"; label: RawBodyLabel }
  | { kind: "param-set"; name: string; raw: string }
  | { kind: "query-drop"; name: string }
  | { kind: "query-set"; name: string; raw: string }
  | { kind: "query-add"; raw: string }
  | { kind: "header-drop"; name: string }
  | { kind: "header-set"; name: string; value: string };

/** Where a mutation puts bad input: the prefix the error message must name. */
export function locationOf(m: Mutation): "body" | "param" | "query" | "header" | undefined {
  if (m.kind === "none") return undefined;
  if (m.kind.startsWith("body") || m.kind === "raw-body") return "body";
  if (m.kind === "param-set") return "param";
  if (m.kind.startsWith("query")) return "query";
  return "header";
}

/** Raw bodies: malformed JSON, JSON of the wrong type, wrong content types, oversized. */
export const RAW_BODIES = {
  "malformed: open brace": { type: "application/json", text: () => "{" },
  "malformed: truncated": { type: "application/json", text: (b: string) => b.slice(0, -1) },
  "malformed: single quotes": { type: "application/json", text: () => "{'a': 1}" },
  "malformed: trailing comma": { type: "application/json", text: () => '{"a": 1,}' },
  "malformed: two documents": { type: "application/json", text: (b: string) => `${b}${b}` },
  "malformed: NUL": { type: "application/json", text: () => "\u0000" },
  "malformed: empty": { type: "application/json", text: () => "" },
  "malformed: lone surrogate escape in key": {
    type: "application/json",
    text: () => '{"\\ud800": "\\udfff"}',
  },
  "json: array": { type: "application/json", text: () => "[]" },
  "json: number": { type: "application/json", text: () => "42" },
  "json: huge number": { type: "application/json", text: () => "1e999" },
  "json: null": { type: "application/json", text: () => "null" },
  "json: string": { type: "application/json", text: () => '"body"' },
  "json: deep nesting": {
    type: "application/json",
    text: () => `${"[".repeat(20_000)}${"]".repeat(20_000)}`,
  },
  "json: BOM before baseline": { type: "application/json", text: (b: string) => `\uFEFF${b}` },
  "json: duplicate key": {
    type: "application/json",
    text: (b: string) => (b.startsWith("{") && b !== "{}" ? `{"x":1,${b.slice(1)}` : b),
  },
  "type: text/plain baseline": { type: "text/plain", text: (b: string) => b },
  "type: no content type baseline": { type: null, text: (b: string) => b },
  "type: form baseline": { type: "application/x-www-form-urlencoded", text: () => "a=1&b=2" },
  "type: multipart": { type: "multipart/form-data; boundary=x", text: () => "--x\r\n\r\nzz\r\n" },
  "type: json utf-16 charset": { type: "application/json; charset=utf-16", text: (b: string) => b },
  "type: jsonx": { type: "application/jsonx", text: (b: string) => b },
  "size: 70 KiB JSON": {
    type: "application/json",
    text: () => JSON.stringify({ padding: "x".repeat(70 * 1024) }),
  },
  "size: 70 KiB garbage": { type: "application/json", text: () => "\u00e9".repeat(36 * 1024) },
} satisfies Record<string, { type: string | null; text: (baseline: string) => string }>;

export type RawBodyLabel = keyof typeof RAW_BODIES;

/** A field of the baseline body that mutations can target. */
interface BodyField {
  at: JsonPath;
  name: string;
  schema: JsonSchema;
  present: boolean;
}

/** The body's fields (present or only declared) and its objects, walking schema and value. */
export function bodyFields(
  schema: JsonSchema,
  value: unknown,
  at: JsonPath = [],
): { fields: BodyField[]; objects: JsonPath[] } {
  const fields: BodyField[] = [];
  const objects: JsonPath[] = [];
  if (typeOf(schema) === "object" && value && typeof value === "object" && !Array.isArray(value)) {
    objects.push(at);
    for (const [key, prop] of Object.entries(schema.properties ?? {})) {
      const present = key in value;
      fields.push({ at: [...at, key], name: key, schema: prop, present });
      if (present) {
        const sub = bodyFields(prop, (value as Record<string, unknown>)[key], [...at, key]);
        fields.push(...sub.fields);
        objects.push(...sub.objects);
      }
    }
  } else if (typeOf(schema) === "array" && Array.isArray(value) && value.length > 0) {
    const item = schema.items ?? {};
    const name = String(at.at(-1) ?? "item");
    fields.push({ at: [...at, 0], name, schema: item, present: true });
    const sub = bodyFields(item, value[0], [...at, 0]);
    fields.push(...sub.fields);
    objects.push(...sub.objects);
  }
  return { fields, objects };
}

/** The hostile mutations that apply to `op` with the given baseline. */
export function mutationArbitrary(
  op: Operation,
  baseline: RequestShape,
  extraHeaders: string[],
): fc.Arbitrary<Mutation> {
  const options: fc.WeightedArbitrary<Mutation>[] = [
    { weight: 1, arbitrary: fc.constant<Mutation>({ kind: "none" }) },
  ];
  const add = (weight: number, arbitrary: fc.Arbitrary<Mutation>) =>
    options.push({ weight, arbitrary });
  if (baseline.body?.kind === "json" && op.body) {
    const { fields, objects } = bodyFields(op.body.schema, baseline.body.value);
    const present = fields.filter((f) => f.present);
    if (present.length > 0) {
      add(
        2,
        fc.constantFrom(...present).map((f) => ({ kind: "body-drop", at: f.at })),
      );
    }
    if (fields.length > 0) {
      const set = fc
        .constantFrom(...fields)
        .chain((f) =>
          hostileValueFor(f.name, typeOf(f.schema)).map(
            (value): Mutation => ({ kind: "body-set", at: f.at, value }),
          ),
        );
      add(8, set);
    }
    if (objects.length > 0) {
      const added = fc
        .tuple(fc.constantFrom(...objects), hostileKey, fc.oneof(hostileShape, fc.string()))
        .map(([at, key, value]): Mutation => ({ kind: "body-add", at, key, value }));
      add(2, added);
    }
    add(
      1,
      hostileShape.map((value): Mutation => ({ kind: "body-replace", value })),
    );
  }
  if (op.method !== "GET") {
    const labels = Object.keys(RAW_BODIES) as RawBodyLabel[];
    add(
      3,
      fc.constantFrom(...labels).map((label): Mutation => ({ kind: "raw-body", label })),
    );
  }
  addParamMutations(op, baseline, add);
  const headerNames = [
    ...new Set([...op.params.filter((p) => p.in === "header").map((p) => p.name), ...extraHeaders]),
  ];
  const declared = Object.keys(baseline.headers);
  if (declared.length > 0) {
    add(
      2,
      fc.constantFrom(...declared).map((name): Mutation => ({ kind: "header-drop", name })),
    );
  }
  if (headerNames.length > 0) {
    add(
      3,
      fc
        .tuple(fc.constantFrom(...headerNames), hostileHeaderValue)
        .map(([name, value]): Mutation => ({ kind: "header-set", name, value })),
    );
  }
  return fc.oneof(...options);
}

function addParamMutations(
  op: Operation,
  baseline: RequestShape,
  add: (weight: number, arbitrary: fc.Arbitrary<Mutation>) => void,
): void {
  const pathNames = op.params.filter((p) => p.in === "path").map((p) => p.name);
  if (pathNames.length > 0) {
    add(
      4,
      fc
        .tuple(fc.constantFrom(...pathNames), hostilePathSegment)
        .map(([name, raw]): Mutation => ({ kind: "param-set", name, raw })),
    );
  }
  const queryNames = op.params.filter((p) => p.in === "query").map((p) => p.name);
  if (queryNames.length > 0) {
    add(
      4,
      fc
        .tuple(fc.constantFrom(...queryNames), hostileQueryValue)
        .map(([name, raw]): Mutation => ({ kind: "query-set", name, raw })),
    );
  }
  const sentQuery = baseline.query.map(([name]) => name);
  if (sentQuery.length > 0) {
    add(
      1,
      fc.constantFrom(...sentQuery).map((name): Mutation => ({ kind: "query-drop", name })),
    );
  }
  const repeats = baseline.query.map(([name, value]) => `${name}=${value}`);
  add(
    1,
    fc
      .constantFrom(
        "extra=1",
        "__proto__=x",
        "&&&",
        "=x",
        "%ZZ=1",
        `${"q".repeat(300)}=1`,
        ...repeats,
      )
      .map((raw): Mutation => ({ kind: "query-add", raw })),
  );
}

/** The request `baseline` becomes after `mutations`, in order. */
export function applyMutations(baseline: RequestShape, mutations: Mutation[]): RequestShape {
  const out: RequestShape = structuredClone(baseline);
  for (const m of mutations) applyOne(out, m);
  return out;
}

/**
 * A copy of a mutation's value: the values are shared constants (hostileShape's `{}`), and a
 * later mutation of the same request edits the body in place; editing the constant itself would
 * leak into every later draw (and could make it contain itself).
 */
function fresh(value: unknown): unknown {
  return value === undefined ? value : JSON.parse(JSON.stringify(value));
}

function applyOne(req: RequestShape, m: Mutation): void {
  switch (m.kind) {
    case "none":
      return;
    case "body-drop":
      if (req.body?.kind === "json") req.body.value = editJson(req.body.value, m);
      return;
    case "body-set":
    case "body-add":
      if (req.body?.kind === "json") {
        req.body.value = editJson(req.body.value, { ...m, value: fresh(m.value) });
      }
      return;
    case "body-replace":
      req.body = { kind: "json", value: fresh(m.value) };
      return;
    case "raw-body":
      req.body = { kind: "raw", label: m.label };
      return;
    case "param-set":
      req.path[m.name] = m.raw;
      return;
    case "query-drop":
      req.query = req.query.filter(([name]) => name !== m.name);
      return;
    case "query-set":
      req.query = [...req.query.filter(([name]) => name !== m.name), [m.name, m.raw]];
      return;
    case "query-add":
      req.query.push([m.raw, ""]);
      return;
    case "header-drop":
    case "header-set":
      for (const name of Object.keys(req.headers)) {
        if (name.toLowerCase() === m.name.toLowerCase()) delete req.headers[name];
      }
      if (m.kind === "header-set") req.headers[m.name] = m.value;
      return;
  }
}

function editJson(
  root: unknown,
  m: Extract<Mutation, { kind: "body-drop" | "body-set" | "body-add" }>,
): unknown {
  if (m.at.length === 0 && m.kind === "body-set") return m.value;
  // An earlier mutation may have made the body a primitive; then there is nothing to edit.
  const isObject = (v: unknown): v is Record<string | number, unknown> =>
    typeof v === "object" && v !== null;
  let parent: unknown = root;
  const walk = m.kind === "body-add" ? m.at : m.at.slice(0, -1);
  for (const key of walk) {
    if (!isObject(parent)) return root;
    parent = parent[key];
  }
  if (!isObject(parent)) return root;
  if (m.kind === "body-add") {
    // defineProperty, so "__proto__" becomes an own key that JSON.stringify sends.
    Object.defineProperty(parent, m.key, { value: m.value, enumerable: true, writable: true });
    return root;
  }
  const last = m.at.at(-1);
  if (last === undefined) return root;
  if (m.kind === "body-drop") delete parent[last];
  else parent[last] = m.value;
  return root;
}

/** The URL and RequestInit for a request shape. */
export function encodeRequest(req: RequestShape): { url: string; init: RequestInit } {
  const path = req.pathTemplate.replace(/\{(\w+)\}/g, (_, name: string) => req.path[name] ?? "");
  const query = req.query.map(([k, v]) => (v === "" && k.includes("=") ? k : `${k}=${v}`));
  const url = query.length > 0 ? `${path}?${query.join("&")}` : path;
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) headers.append(name, value);
  const init: RequestInit = { method: req.method, headers };
  if (req.body?.kind === "json") {
    headers.set("Content-Type", "application/json");
    init.body = JSON.stringify(req.body.value) ?? "null";
  } else if (req.body?.kind === "raw") {
    const raw = RAW_BODIES[req.body.label];
    if (raw.type === null) headers.delete("Content-Type");
    else headers.set("Content-Type", raw.type);
    init.body = raw.text(req.baselineBody);
  }
  return { url, init };
}
