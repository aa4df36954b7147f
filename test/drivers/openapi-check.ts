/**
 * Every answer a route, integration or hostile-input test receives is checked against the app's
 * own /openapi.json: the status is declared for the operation, the body matches the
 * schema the document gives for that status and content type (Ajv, JSON Schema 2020-12, the
 * dialect of OpenAPI 3.1), and every header the document declares as required is present and
 * valid. An undeclared answer fails the test that saw it, even when its own assertions pass:
 * `checkedApp(app).request(…)` rejects with what was wrong.
 *
 * Answers outside the document: a /v1 path or method with no operation must still be the error
 * envelope (404 from `notFound`, or what a middleware mounted on that path answers, e.g. 401 under
 * /v1/admin/); CORS preflights (OPTIONS) and the pages, /docs and /openapi.json are not checked.
 */
import Ajv2020, { type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { createApp } from "../../src/app.ts";
import { ERROR_CODES } from "../../src/errors/codes.ts";
import { fakeServices, resolveFake } from "../fixtures/fakes.ts";

type Json = Record<string, unknown>;

interface HeaderObject {
  required?: boolean;
  schema?: Json;
  $ref?: string;
}

interface ResponseObject {
  headers?: Record<string, HeaderObject>;
  content?: Record<string, { schema?: Json }>;
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, { responses?: Record<string, ResponseObject> }>>;
  components?: { headers?: Record<string, HeaderObject>; schemas?: Record<string, Json> };
}

/** The document and its compiled validators (one Ajv per document). */
export interface CheckedDocument {
  doc: OpenApiDocument;
  /** [path template, its regex, literal segments] by specificity: literal segments win. */
  paths: { template: string; pattern: RegExp; literals: number }[];
  validator(pointer: string): ValidateFunction;
}

const DOC_ID = "openapi.json";

/** Compiles `doc` for checking; schemas are compiled lazily, once each. */
export function checkedDocument(doc: OpenApiDocument): CheckedDocument {
  // strict: false, because the document itself (openapi, info, paths…) is added as one schema so
  // that its `#/components/schemas/…` references resolve; its keywords are not JSON Schema.
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
  addFormats(ajv);
  ajv.addSchema({ ...doc, $id: DOC_ID });
  const compiled = new Map<string, ValidateFunction>();
  const paths = Object.keys(doc.paths)
    .map((template) => {
      const segments = template.split("/");
      const source = segments
        .map((s) => (/^\{[^}]+\}$/.test(s) ? "[^/]+" : s.replace(/[.*+?^$()|[\]\\]/g, "\\$&")))
        .join("/");
      return {
        template,
        pattern: new RegExp(`^${source}$`),
        literals: segments.filter((s) => s !== "" && !s.startsWith("{")).length,
      };
    })
    .sort((a, b) => b.literals - a.literals);
  return {
    doc,
    paths,
    validator(pointer) {
      let validate = compiled.get(pointer);
      if (!validate) {
        validate = ajv.compile({ $ref: `${DOC_ID}#${pointer}` });
        compiled.set(pointer, validate);
      }
      return validate;
    },
  };
}

const escapePointer = (token: string) => token.replaceAll("~", "~0").replaceAll("/", "~1");

/** The media type of a Content-Type header value, without parameters. */
const mediaTypeOf = (contentType: string | null) =>
  (contentType ?? "").split(";")[0]?.trim().toLowerCase() ?? "";

const isJsonMediaType = (mediaType: string) => /^application\/([\w.-]+\+)?json$/.test(mediaType);

/** Bodies that never end (Server-Sent Events) are checked by status and headers only. */
const STREAMING = new Set(["text/event-stream"]);

function formatAjvErrors(errors: ErrorObject[] | null | undefined): string {
  return (errors ?? [])
    .slice(0, 5)
    .map((e) => `${e.instancePath || "(root)"} ${e.message ?? ""}${paramsOf(e)}`)
    .join("; ");
}

function paramsOf(e: ErrorObject): string {
  const p = e.params as Record<string, unknown>;
  if ("additionalProperty" in p) return ` (${String(p.additionalProperty)})`;
  if ("allowedValues" in p) return ` (${JSON.stringify(p.allowedValues)})`;
  return "";
}

const clip = (text: string, max = 400) =>
  text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text;

/**
 * What is wrong with `res` as the answer to `method url` according to the document (empty when
 * nothing is). Reads a clone of the body, so the caller can still read `res`.
 */
export async function checkAnswer(
  checked: CheckedDocument,
  method: string,
  url: URL,
  res: Response,
): Promise<string[]> {
  const verb = method.toLowerCase();
  if (verb === "options") return [];
  const lookup = verb === "head" ? "get" : verb;
  const template = checked.paths.find(
    (p) => p.pattern.test(url.pathname) && checked.doc.paths[p.template]?.[lookup],
  )?.template;
  const where = `${method.toUpperCase()} ${url.pathname}`;
  if (template === undefined) {
    if (!url.pathname.startsWith("/v1/")) return [];
    return checkOutsideDocument(checked, where, res);
  }
  const operation = checked.doc.paths[template]?.[lookup];
  const responses = operation?.responses ?? {};
  const status = String(res.status);
  const declared = responses[status];
  const opName = `${lookup.toUpperCase()} ${template}`;
  if (!declared) {
    const body = await readUnlessStreaming(res);
    return [
      `${where} answered ${status}, which /openapi.json does not declare for ${opName} (declared: ${Object.keys(responses).join(", ")}); body: ${clip(body)}`,
    ];
  }
  const pointer = `/paths/${escapePointer(template)}/${lookup}/responses/${status}`;
  const problems = checkHeaders(checked, declared, pointer, res).map(
    (p) => `${where} answered ${status} ${p} (${opName})`,
  );
  if (verb === "head") return problems;
  problems.push(
    ...(await checkBody(checked, declared, pointer, res)).map(
      (p) => `${where} answered ${status} ${p} (${opName})`,
    ),
  );
  return problems;
}

function resolveHeader(checked: CheckedDocument, header: HeaderObject): HeaderObject {
  if (!header.$ref) return header;
  const name = header.$ref.replace("#/components/headers/", "");
  const target = checked.doc.components?.headers?.[name];
  if (!target) throw new Error(`/openapi.json has no header ${header.$ref}`);
  return target;
}

function checkHeaders(
  checked: CheckedDocument,
  declared: ResponseObject,
  pointer: string,
  res: Response,
): string[] {
  const problems: string[] = [];
  for (const [name, raw] of Object.entries(declared.headers ?? {})) {
    const header = resolveHeader(checked, raw);
    const value = res.headers.get(name);
    if (value === null) {
      if (header.required) problems.push(`without the required header ${name}`);
      continue;
    }
    if (header.schema) {
      const schemaAt = raw.$ref
        ? `/components/headers/${escapePointer(raw.$ref.replace("#/components/headers/", ""))}/schema`
        : `${pointer}/headers/${escapePointer(name)}/schema`;
      const validate = checked.validator(schemaAt);
      if (!validate(value)) {
        problems.push(
          `with header ${name}: ${JSON.stringify(value)} ${formatAjvErrors(validate.errors)}`,
        );
      }
    }
  }
  return problems;
}

async function checkBody(
  checked: CheckedDocument,
  declared: ResponseObject,
  pointer: string,
  res: Response,
): Promise<string[]> {
  const content = declared.content;
  const mediaType = mediaTypeOf(res.headers.get("Content-Type"));
  if (!content || Object.keys(content).length === 0) {
    const body = res.body === null ? "" : await res.clone().text();
    return body === "" ? [] : [`a body where the document declares none: ${clip(body)}`];
  }
  const entry = Object.keys(content).find((declaredType) => declaredType === mediaType);
  if (entry === undefined) {
    return [
      `Content-Type ${JSON.stringify(res.headers.get("Content-Type"))}, which is not declared (declared: ${Object.keys(content).join(", ")})`,
    ];
  }
  if (STREAMING.has(mediaType)) return [];
  const text = await res.clone().text();
  let value: unknown = text;
  if (isJsonMediaType(mediaType)) {
    try {
      value = JSON.parse(text);
    } catch {
      return [`a body that is not JSON: ${clip(text)}`];
    }
  }
  if (!content[entry]?.schema) return [];
  const validate = checked.validator(`${pointer}/content/${escapePointer(entry)}/schema`);
  if (validate(value)) return [];
  return [
    `a body that does not match its schema: ${formatAjvErrors(validate.errors)}; body: ${clip(text)}`,
  ];
}

/** The body for a message; never waits on a stream that does not end. */
async function readUnlessStreaming(res: Response): Promise<string> {
  if (STREAMING.has(mediaTypeOf(res.headers.get("Content-Type")))) return "(a stream)";
  return res.clone().text();
}

/** A /v1 answer of no operation is still the error envelope, with its code's own status. */
async function checkOutsideDocument(
  checked: CheckedDocument,
  where: string,
  res: Response,
): Promise<string[]> {
  const prefix = `${where} (no operation in /openapi.json) answered ${res.status}`;
  const mediaType = mediaTypeOf(res.headers.get("Content-Type"));
  if (!isJsonMediaType(mediaType)) {
    return [`${prefix} with Content-Type ${JSON.stringify(mediaType)}, not the error envelope`];
  }
  const text = await res.clone().text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return [`${prefix} with a body that is not JSON: ${clip(text)}`];
  }
  const validate = checked.validator("/components/schemas/Error");
  if (!validate(body)) {
    return [
      `${prefix}, not the error envelope: ${formatAjvErrors(validate.errors)}; body: ${clip(text)}`,
    ];
  }
  const code = (body as { error: { code: keyof typeof ERROR_CODES } }).error.code;
  return ERROR_CODES[code].status === res.status ? [] : [`${prefix} with code ${code}`];
}

/** Anything with Hono's `request(input, init, env, executionCtx)`. */
export interface RequestTarget {
  request(
    input: string | URL | Request,
    init?: RequestInit,
    env?: unknown,
    executionCtx?: never,
  ): Response | Promise<Response>;
}

/** What `checkedApp` returns: Hono's `request`, always async. */
export interface CheckedApp {
  request(
    input: string | URL | Request,
    init?: RequestInit,
    env?: unknown,
    executionCtx?: never,
  ): Promise<Response>;
}

let appDocument: Promise<CheckedDocument> | undefined;

/**
 * The app's /openapi.json, fetched once per test process from an app with fake ports (the
 * document does not depend on the bindings, and an app under test may be deliberately broken).
 */
export function appOpenApi(): Promise<CheckedDocument> {
  appDocument ??= (async () => {
    const res = await createApp(resolveFake(fakeServices())).request("/openapi.json");
    if (res.status !== 200) throw new Error(`/openapi.json answered ${res.status}`);
    return checkedDocument((await res.json()) as OpenApiDocument);
  })();
  return appDocument;
}

/** An answer that /openapi.json does not declare (the message says what and where). */
export class UndeclaredAnswerError extends Error {
  override name = "UndeclaredAnswerError";
}

/**
 * `target` with every answer checked against /openapi.json (or `document`): `request` resolves
 * to the answer when the document declares it, and rejects with `UndeclaredAnswerError` otherwise.
 */
export function checkedApp(
  target: RequestTarget,
  document: () => Promise<CheckedDocument> = appOpenApi,
): CheckedApp {
  return {
    request: async (input, init, env, executionCtx) => {
      const res = await target.request(input, init, env, executionCtx);
      const request = input instanceof Request ? input : null;
      const method = init?.method ?? request?.method ?? "GET";
      const url = new URL(request ? request.url : String(input), "http://localhost");
      const problems = await checkAnswer(await document(), method, url, res);
      if (problems.length > 0) throw new UndeclaredAnswerError(problems.join("\n"));
      return res;
    },
  };
}
