/**
 * The hostile-input suite, defined once and run twice (hostile-input*.integration.test.ts): with
 * Redis up, and with Redis down so that every live route is served by the MySQL fallback.
 *
 * Hostile input against every route of the OpenAPI document (docs/spec.md, "Bad input"), on the real
 * stack: fast-check mutates a valid baseline of each operation (missing, extra and wrongly typed
 * fields, huge and unicode strings, bad numbers, dates and zones, malformed JSON, wrong content
 * types, oversized bodies, bad path, query and header values, no admin token). Every answer must
 * be a 2xx or an enveloped 4xx naming the field; afterwards MySQL must hold no partial write.
 *
 * Deterministic: HOSTILE_SEED (default below) seeds operation i with SEED + i; HOSTILE_RUNS sets
 * the runs per operation. A failure message names both, and every failing request.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testApi } from "../drivers/api.ts";
import { withDb } from "../stack/db-direct.ts";
import { uniqueId } from "../stack/stack-env.ts";
import { baselineRequest, isSafe, mustRefuse, surelyRefused } from "./baselines.ts";
import { checkResponse, type Verdict } from "./check-response.ts";
import {
  CREDENTIAL_KINDS,
  type CredentialKind,
  type Credentials,
  createCredentials,
  type Expectation,
  expectationOf,
  tokenFor,
} from "./credentials.ts";
import { createHostileFixture, type HostileFixture } from "./fixture.ts";
import { EDGE_DATE_TIMES, EDGE_DATES, isDateField, isDateTimeField } from "./hostile-values.ts";
import {
  applyMutations,
  bodyFields,
  encodeRequest,
  listOperations,
  locationOf,
  type Mutation,
  mutationArbitrary,
  type OpenApiDoc,
  type Operation,
  type RequestShape,
} from "./openapi-walk.ts";
import { findPartialWrites } from "./partial-writes.ts";
import { isAdminPath } from "../../src/http/admin-auth.ts";

const SEED = Number(process.env.HOSTILE_SEED ?? 20_261_126);
/** Headers every route gets hostile values for, declared or not. */
const HOSTILE_HEADERS = [
  "Authorization",
  "Idempotency-Key",
  "X-Hold-Token",
  "X-Manage-Token",
  "X-Request-Id",
];

export interface HostileSuiteOptions {
  /** Names the run in test titles and the summary line. */
  label: string;
  /** Binding overrides (e.g. an unreachable Redis). */
  overrides: Record<string, string>;
  /** Generated requests per operation. */
  runs: number;
  /**
   * Generated requests per admin operation and credential kind other than the ADMIN_TOKEN
   * (credentials.ts); none when absent. The ADMIN_TOKEN gets `runs`, the others a sample each.
   */
  credentialRuns?: number;
}

/**
 * Registers the suite's tests; call at the top level of a test file (it awaits the document).
 * One long function on purpose: its tests share the run's state (the fixture, the request
 * counter, every status for the partial-write check), which a module-level split would turn
 * into globals shared by the two runs.
 */
export async function hostileSuite(options: HostileSuiteOptions): Promise<void> {
  const api = testApi(options.overrides);
  const run = uniqueId("hx");
  const doc = (await (await api.request("/openapi.json")).json()) as OpenApiDoc;
  const operations = listOperations(doc);
  const statusBySeq = new Map<string, number>();
  /** Per operation, how often each status came back (printed with HOSTILE_VERBOSE=1). */
  const statusesByOp = new Map<string, Map<number, number>>();
  let fixture: HostileFixture;
  let seq = 0;
  let requestsSent = 0;
  const startedAt = Date.now();

  let credentials: Credentials | undefined;

  beforeAll(async () => {
    fixture = await createHostileFixture(api, run);
    if (options.credentialRuns) credentials = await createCredentials(api, fixture);
  }, 120_000);

  afterAll(async () => {
    // The run's webhook endpoints (their URL names the run): left behind, an active one would
    // get a delivery of every later test's booking in the shared database.
    await withDb((conn) =>
      conn.query("DELETE FROM webhook_endpoints WHERE url LIKE ?", [
        `http://127.0.0.1:9/hostile/${run}%`,
      ]),
    );
    if (process.env.HOSTILE_VERBOSE) {
      for (const [key, counts] of statusesByOp) {
        console.log(`${key}: ${[...counts].map(([status, n]) => `${status}×${n}`).join(" ")}`);
      }
    }
    console.log(
      `hostile input (${options.label}): ${operations.length} operations, ${requestsSent} requests, ${Date.now() - startedAt} ms`,
    );
  });

  /**
   * Sends one request; returns what was wrong with the answer, if anything. `judge` adds what a
   * credential's answer must be on top of the general rules.
   */
  async function send(
    op: Operation,
    req: RequestShape,
    mutations: Mutation[],
    judge?: (verdict: Verdict) => string[],
  ): Promise<string[]> {
    const id = String(++seq);
    const shaped = applyMutations(req, mutations);
    const { url, init } = encodeRequest(shaped);
    requestsSent++;
    const res = await api.request(url, init);
    const sent = [url, safeDecode(url), JSON.stringify([...(init.headers as Headers)])];
    sent.push(String(init.body ?? ""));
    const locations = new Set(mutations.flatMap((m) => locationsOf(m)));
    const verdict = await checkResponse(res, sent.join("\n"), locations);
    statusBySeq.set(id, verdict.status);
    const counts = statusesByOp.get(op.key) ?? new Map<number, number>();
    statusesByOp.set(op.key, counts.set(verdict.status, (counts.get(verdict.status) ?? 0) + 1));
    if (mustRefuse(op) && verdict.status < 400) verdict.problems.push("accepted a refused request");
    const problems = [...verdict.problems, ...(judge?.(verdict) ?? [])];
    if (problems.length === 0) return [];
    return [
      `#${id} ${problems.join("; ")}`,
      `  mutations: ${clip(JSON.stringify(mutations, clipStrings), 600)}`,
      `  request: ${init.method} ${clip(url, 300)} headers=${clip(sent[2] ?? "", 300)} body=${clip(String(init.body ?? ""), 300)}`,
      `  response: ${verdict.status} ${clip(verdict.body, 600)}`,
    ];
  }

  function locationsOf(m: Mutation): string[] {
    const where = locationOf(m);
    if (where === undefined) return [];
    // A wrong content type is named as header.content-type or as the body it makes unreadable.
    return m.kind === "raw-body" && m.label.startsWith("type:") ? ["body", "header"] : [where];
  }

  function safeDecode(url: string): string {
    try {
      return decodeURIComponent(url);
    } catch {
      return url;
    }
  }

  const clip = (text: string, max: number) =>
    text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text;
  const clipStrings = (_key: string, value: unknown) =>
    typeof value === "string" ? clip(value, 80) : value;

  describe(`hostile input generated from the OpenAPI document (${options.label})`, () => {
    it("covers every operation of the document", () => {
      const declared = Object.values(doc.paths).flatMap((item) => Object.keys(item));
      expect(operations.length).toBeGreaterThan(40);
      expect(operations.length).toBe(declared.length);
    });

    operations.forEach((op, index) => {
      it(`${op.key} answers hostile requests with a 2xx or an enveloped 4xx naming the field, never a 5xx or internal text`, async () => {
        const template = baselineRequest(op, fixture, "0");
        const failures: string[] = [];
        let mutationsArb = fc.array(mutationArbitrary(op, template, HOSTILE_HEADERS), {
          minLength: 1,
          maxLength: 2,
        });
        if (mustRefuse(op)) mutationsArb = mutationsArb.filter((ms) => surelyRefused(op, ms));
        mutationsArb = mutationsArb.filter((ms) => isSafe(op, applyMutations(template, ms)));
        await fc.assert(
          fc.asyncProperty(mutationsArb, async (mutations) => {
            const req = baselineRequest(op, fixture, String(seq + 1));
            failures.push(...(await send(op, req, mutations)));
          }),
          { numRuns: options.runs, seed: SEED + index },
        );
        expect(failures, `seed ${SEED + index} (HOSTILE_SEED=${SEED}, op #${index})`).toEqual([]);
      });
    });

    it("refuses every admin operation without the admin token with 401 UNAUTHORIZED", async () => {
      const wrong: string[] = [];
      for (const op of operations.filter((o) => o.admin)) {
        const req = baselineRequest(op, fixture, String(seq + 1));
        const problems = await send(op, req, [{ kind: "header-drop", name: "authorization" }]);
        const status = statusBySeq.get(String(seq));
        if (status !== 401 || problems.length > 0) wrong.push(`${op.key}: ${status}`, ...problems);
      }
      expect(wrong).toEqual([]);
    });

    it("a body with a wrong Content-Type answers 415 naming header.content-type", async () => {
      const wrong: string[] = [];
      for (const op of operations.filter((o) => o.body)) {
        const req = baselineRequest(op, fixture, String(seq + 1));
        const { url, init } = encodeRequest(
          applyMutations(req, [{ kind: "raw-body", label: "type: text/plain baseline" }]),
        );
        requestsSent++;
        seq++;
        const res = await api.request(url, init);
        statusBySeq.set(String(seq), res.status);
        const body = (await res.json()) as { error?: { message?: string } };
        const message = body.error?.message ?? "";
        if (res.status !== 415 || !message.startsWith("header.content-type:")) {
          wrong.push(`${op.key}: ${res.status} ${JSON.stringify(message)}`);
        }
      }
      expect(wrong).toEqual([]);
    });

    it("answers every date and date-time field's range edges with a 2xx or an enveloped 4xx naming the field", async () => {
      const wrong: string[] = [];
      let sent = 0;
      for (const op of operations.filter((o) => !mustRefuse(o))) {
        const template = baselineRequest(op, fixture, "0");
        for (const mutation of edgeMutations(op, template)) {
          if (!isSafe(op, applyMutations(template, [mutation]))) continue;
          const req = baselineRequest(op, fixture, String(seq + 1));
          wrong.push(...(await send(op, req, [mutation])));
          sent++;
        }
      }
      // Availability, holds, select, heartbeat, overrides, closures, admin lists: many fields.
      expect(sent).toBeGreaterThan(100);
      expect(wrong).toEqual([]);
    });

    it("refuses a lone UTF-16 surrogate in a text field with 400 naming the field, instead of storing U+FFFD", async () => {
      const wrong: string[] = [];
      const fields = [
        ["POST /v1/admin/services", "name"],
        ["POST /v1/admin/services", "description"],
        ["POST /v1/admin/staff", "bio"],
        ["POST /v1/admin/closures", "reason"],
      ] as const;
      for (const [key, field] of fields) {
        const op = operations.find((o) => o.key === key);
        if (!op) throw new Error(`${key} is not in the document`);
        const req = baselineRequest(op, fixture, String(seq + 1));
        const value = `${run}:${seq + 1} a\uD800b`;
        await send(op, req, [{ kind: "body-set", at: [field], value }]);
        const status = statusBySeq.get(String(seq));
        if (status !== 400) wrong.push(`${key} body.${field}: ${status}`);
      }
      expect(wrong).toEqual([]);
    });

    if (options.credentialRuns) {
      const runs = options.credentialRuns;
      // The admin API's own operations (not the business sign-in, which takes no credential).
      const adminOps = operations.filter((o) => o.admin && isAdminPath(o.path));
      CREDENTIAL_KINDS.forEach((kind, kindIndex) => {
        it(`admin operations, ${kind}: ${describeKind(kind)}`, async () => {
          const failures: string[] = [];
          for (const [index, op] of adminOps.entries()) {
            failures.push(...(await hostileAs(kind, op, SEED + 1_000 * (kindIndex + 1) + index)));
          }
          expect(failures, `HOSTILE_SEED=${SEED}, ${kind}`).toEqual([]);
        });
      });

      /** `runs` hostile requests of `op` with `kind`'s token, each judged by its expectation. */
      async function hostileAs(kind: CredentialKind, op: Operation, seed: number) {
        const expected = expectationOf(kind, op);
        const token = `Bearer ${tokenFor(credentials as Credentials, kind, op)}`;
        const request = () => {
          const req = baselineRequest(op, fixture, String(seq + 1));
          req.headers.authorization = token;
          return req;
        };
        const failures: string[] = [];
        // The refusal of the unmutated request: every hostile one must get the same body. (An
        // allowed credential's unmutated request would run the settings and sync baselines.)
        let reference: string | undefined;
        if (expected !== "allowed") {
          const first = await send(op, request(), [], (verdict) => {
            reference = withoutRequestId(verdict.body);
            return judgeRefusal(expected, verdict, undefined, []);
          });
          failures.push(...first);
        }
        const template = request();
        let mutationsArb = fc.array(mutationArbitrary(op, template, HOSTILE_HEADERS), {
          minLength: 1,
          maxLength: 2,
        });
        if (mustRefuse(op) && expected === "allowed") {
          mutationsArb = mutationsArb.filter((ms) => surelyRefused(op, ms));
        }
        mutationsArb = mutationsArb.filter((ms) => isSafe(op, applyMutations(template, ms)));
        await fc.assert(
          fc.asyncProperty(mutationsArb, async (mutations) => {
            const judge = (verdict: Verdict) =>
              judgeRefusal(expected, verdict, reference, mutations);
            failures.push(...(await send(op, request(), mutations, judge)));
          }),
          { numRuns: runs, seed },
        );
        return failures.map((line) => `${op.key} (seed ${seed}) ${line}`);
      }
    }

    it("leaves no partial write: no row from a refused request, no appointment without its cells", async () => {
      const staffIds = [fixture.staffId, fixture.adminStaffId, fixture.victimStaffId];
      const { problems, rowsChecked } = await findPartialWrites(run, staffIds, statusBySeq);
      expect(problems).toEqual([]);
      // The run's 2xx requests did write rows, so the markers were found and the check is not vacuous.
      expect(rowsChecked).toBeGreaterThan(20);
    });
  });
}

function describeKind(kind: CredentialKind): string {
  return {
    "owner session": "what the ADMIN_TOKEN may call, judged alike",
    "manager session": "its role's operations judged alike, the others 403 whatever the input",
    "staff session": "its own staff member's, others' appointments 404, the rest 403",
    "another staff member's session": "the fixture's staff member and appointments are 404",
    "key with the operation's scope": "judged like the ADMIN_TOKEN",
    "key with another scope": "403 before the input is read: one body whatever the input",
    "revoked key": "401 whatever the input",
  }[kind];
}

/** The error body without its request id (each request has its own). */
function withoutRequestId(body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: { requestId?: unknown } };
    if (parsed.error) delete parsed.error.requestId;
    return JSON.stringify(parsed);
  } catch {
    return body;
  }
}

/**
 * What a credential's answer must be beyond the general rules: an allowed one is never refused
 * for its credential; a refused one gets its one answer, whatever the input. Some answers come before any credential is
 * checked, the same for every caller, and judge only the request's framing, never its content
 * (src/app.ts, the cheap refusals before the admission): an Authorization header the mutation
 * spoiled (401), an oversized body (413), a Content-Type the operation cannot read (415), and a
 * path no operation matches (404 "No route for …", or 400 for its malformed Idempotency-Key).
 */
function judgeRefusal(
  expected: Expectation,
  verdict: Verdict,
  reference: string | undefined,
  mutations: Mutation[],
): string[] {
  const message = messageOf(verdict.body);
  const touches = (name: string) =>
    mutations.some(
      (m) => (m.kind === "header-drop" || m.kind === "header-set") && m.name.toLowerCase() === name,
    );
  if (expected === "allowed") {
    // Its own credential is never the reason it is refused.
    const refused = verdict.status === 401 || verdict.status === 403;
    return refused && !touches("authorization")
      ? [`an allowed credential was refused: ${verdict.status} ${message}`]
      : [];
  }
  const framing =
    (verdict.status === 401 && touches("authorization")) ||
    (verdict.status === 413 &&
      mutations.some((m) => m.kind === "raw-body" && m.label.startsWith("size"))) ||
    (verdict.status === 415 &&
      (touches("content-type") ||
        mutations.some((m) => m.kind === "raw-body" && m.label.startsWith("type:")))) ||
    (verdict.status === 404 &&
      mutations.some((m) => m.kind === "param-set") &&
      message.startsWith("No route for ")) ||
    // A path no operation matches has no scope to refuse: its malformed Idempotency-Key is
    // refused for its form, as for every caller.
    (verdict.status === 400 &&
      touches("idempotency-key") &&
      mutations.some((m) => m.kind === "param-set") &&
      message.startsWith("header.idempotency-key:"));
  if (framing) return [];
  if (expected === "not-found") {
    return verdict.status === 404 && /^param\.id: /.test(message)
      ? []
      : [`expected 404 naming param.id for another staff member's id, got ${verdict.status}`];
  }
  const status = expected === "forbidden" ? 403 : 401;
  if (verdict.status !== status) return [`expected ${status}, got ${verdict.status}`];
  if (reference !== undefined && withoutRequestId(verdict.body) !== reference) {
    return [`the ${status} body depends on the input: ${reference} became ${verdict.body}`];
  }
  return [];
}

function messageOf(body: string): string {
  try {
    return (JSON.parse(body) as { error?: { message?: string } }).error?.message ?? "";
  } catch {
    return "";
  }
}

/** One mutation per (date or date-time field of `op`, edge value): body, query and path. */
function edgeMutations(op: Operation, template: RequestShape): Mutation[] {
  const out: Mutation[] = [];
  if (template.body?.kind === "json" && op.body) {
    for (const field of bodyFields(op.body.schema, template.body.value).fields) {
      if (isDateField(field.name))
        out.push(
          ...EDGE_DATES.map((value): Mutation => ({ kind: "body-set", at: field.at, value })),
        );
      if (isDateTimeField(field.name))
        out.push(
          ...EDGE_DATE_TIMES.map((value): Mutation => ({ kind: "body-set", at: field.at, value })),
        );
    }
  }
  for (const param of op.params.filter((p) => isDateField(p.name))) {
    for (const value of EDGE_DATES) {
      const raw = encodeURIComponent(value);
      if (param.in === "query") out.push({ kind: "query-set", name: param.name, raw });
      if (param.in === "path") out.push({ kind: "param-set", name: param.name, raw });
    }
  }
  return out;
}
