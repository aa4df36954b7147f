/**
 * The README's promise: a TypeScript client generated from /openapi.json with
 * openapi-typescript types a booking flow. This generates the types from the app's own document,
 * typechecks booking-flow.ts against them (the TypeScript compiler, strict), and runs the flow
 * against the real app.
 */
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import openapiTS, { astToString } from "openapi-typescript";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { testApi, workerApp } from "../drivers/api.ts";
import { appOpenApi } from "../drivers/openapi-check.ts";
import { liveFixture, newClientId } from "../fixtures/live-fixtures.ts";
import { uniqueId } from "../stack/stack-env.ts";

/** What booking-flow.ts exports, as this file uses it. */
interface Flow {
  apiClient(fetch: (request: Request) => Promise<Response>): unknown;
  bookFirstFreeSlot(
    client: unknown,
    input: Record<string, unknown>,
  ): Promise<{ appointmentId: string; start: string; manageToken: string }>;
}

const DIR = join(process.cwd(), "node_modules/.cache/typed-client");

async function generate(): Promise<string> {
  mkdirSync(DIR, { recursive: true });
  const ast = await openapiTS((await appOpenApi()).doc as never, { redocly: undefined });
  writeFileSync(join(DIR, "api.gen.d.ts"), astToString(ast));
  const flow = join(DIR, "booking-flow.ts");
  copyFileSync(join(process.cwd(), "test/client/booking-flow.ts"), flow);
  return flow;
}

function typecheck(file: string): string[] {
  const program = ts.createProgram([file], {
    strict: true,
    noEmit: true,
    // The generated declarations and the libraries are not what is checked here: the flow is.
    skipLibCheck: true,
    noUncheckedIndexedAccess: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    allowImportingTsExtensions: true,
    verbatimModuleSyntax: true,
    lib: ["lib.es2023.d.ts", "lib.dom.d.ts"],
    types: [],
  });
  return ts
    .getPreEmitDiagnostics(program)
    .map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
}

describe("a TypeScript client generated from /openapi.json", () => {
  it("typechecks a booking flow, and refuses a booking without Idempotency-Key", async () => {
    const flow = await generate();
    expect(typecheck(flow)).toEqual([]);
  }, 120_000);

  it("books through the generated client against the app", async () => {
    const api = testApi();
    const live = await liveFixture(api);
    // The generated copy, imported by path: the repo's typecheck must not follow it (see above).
    const flow = (await import(join(DIR, "booking-flow.ts"))) as Flow;
    const client = flow.apiClient((request) => workerApp.request(request, undefined, api.bindings));
    const booked = await flow.bookFirstFreeSlot(client, {
      serviceId: live.serviceId,
      staffId: live.staffId,
      date: live.date,
      clientId: newClientId(),
      idempotencyKey: uniqueId("idem-"),
      customer: { name: "Typed Client", email: "typed.client@example.test" },
    });
    expect(booked.appointmentId).toMatch(/^apt_/);
    expect(booked.start.slice(0, 10)).toBe(live.date);
  });
});
