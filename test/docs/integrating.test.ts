/**
 * docs/integrating.md cannot rot: its marked code blocks are executed against the worker under a
 * real `wrangler dev` (what an integrator's `curl` meets), in the order a reader follows them.
 * - `<!-- quickstart: run -->` before a bash block: run, all of them in one bash session
 *   (`set -euo pipefail`, so any failing command fails the test);
 * - `<!-- quickstart: save as FILE -->` before a block: written to FILE beside them, typechecked
 *   strictly against the types the guide's own command generates, and (quickstart.ts) run by the
 *   guide's own `npx tsx` line; the webhook snippet is imported and given a signed delivery;
 * - `<!-- quickstart: set by the test -->` before a bash block: variable assignments only (the
 *   deployment's address, the ids to book), which the test gives its own values.
 */
import { execFile } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { Webhook } from "standardwebhooks";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminVia } from "../drivers/admin-call.ts";
import { checkedFetch } from "../drivers/api.ts";
import { WEEKDAYS_9_TO_5 } from "../fixtures/catalog-fixtures.ts";
import { TEST_STACK } from "../stack/stack-env.ts";
import { startWorker, type Worker } from "../stack/wrangler-dev.ts";

const run = promisify(execFile);
const GUIDE = join(process.cwd(), "docs/integrating.md");
// Inside the repository, so that `npx` and the snippets' imports find its node_modules.
const DIR = join(process.cwd(), "node_modules/.cache/integrating-guide");

interface Block {
  marker: string;
  lang: string;
  code: string;
}

/** Every fenced block preceded by a `<!-- quickstart: … -->` comment, in document order. */
function markedBlocks(markdown: string): Block[] {
  const pattern = /<!-- quickstart: ([^>]+?) -->\n```(\w+)\n([\s\S]*?)\n```/g;
  return [...markdown.matchAll(pattern)].map(([, marker, lang, code]) => ({
    marker: String(marker),
    lang: String(lang),
    code: String(code),
  }));
}

function typecheck(files: string[]): string[] {
  const program = ts.createProgram(files, {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ["lib.es2023.d.ts", "lib.dom.d.ts"],
    types: ["node"],
    typeRoots: [join(process.cwd(), "node_modules/@types")],
  });
  return ts
    .getPreEmitDiagnostics(program)
    .map(
      (d) => `${d.file?.fileName ?? ""}: ${ts.flattenDiagnosticMessageText(d.messageText, " ")}`,
    );
}

let worker: Worker;
const blocks = markedBlocks(readFileSync(GUIDE, "utf8"));

beforeAll(async () => {
  worker = await startWorker("docs");
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(DIR, { recursive: true });
}, 120_000);

afterAll(async () => {
  await worker?.stop();
});

/** A service and a staff member working weekdays 9–17, created through the worker's admin API. */
async function bookable(): Promise<{ serviceId: string; staffId: string }> {
  const admin = adminVia(
    (path, init) => checkedFetch(`${worker.url}${path}`, init),
    TEST_STACK.adminToken,
  );
  const service = await admin("POST", "/v1/admin/services", {
    name: "Quickstart cut",
    durationMin: 30,
    price: { amountMinor: 3000, currency: "EUR" },
  });
  expect(service.status).toBe(201);
  const serviceId = ((await service.json()) as { id: string }).id;
  const staff = await admin("POST", "/v1/admin/staff", {
    name: "Quickstart staff",
    email: "quickstart@example.test",
    serviceIds: [serviceId],
    timeZone: "Europe/Berlin",
  });
  expect(staff.status).toBe(201);
  const staffId = ((await staff.json()) as { id: string }).id;
  const schedule = await admin("PUT", `/v1/admin/staff/${staffId}/schedule`, {
    weekly: WEEKDAYS_9_TO_5,
  });
  expect(schedule.status).toBe(200);
  return { serviceId, staffId };
}

describe("docs/integrating.md", () => {
  it("marks the blocks it promises are run: curl, the typed client and the webhook check", () => {
    const markers = blocks.map((b) => b.marker);
    expect(markers.filter((m) => m === "run").length).toBeGreaterThanOrEqual(8);
    expect(markers).toContain("save as quickstart.ts");
    expect(markers).toContain("save as verify-webhook.ts");
    // What the test replaces may only assign variables: no command hides behind the marker.
    for (const block of blocks.filter((b) => b.marker === "set by the test")) {
      for (const line of block.code.split("\n")) expect(line).toMatch(/^[A-Z_]+=[\w.:/-]+$/);
    }
  });

  it("its quickstart books and cancels through curl, then through the typed client", async () => {
    const { serviceId, staffId } = await bookable();
    const values: Record<string, string> = {
      API: worker.url,
      SERVICE_ID: serviceId,
      STAFF_ID: staffId,
    };
    const script = ["set -euo pipefail"];
    for (const block of blocks) {
      if (block.marker === "set by the test") {
        for (const line of block.code.split("\n")) {
          const name = line.split("=")[0] ?? "";
          expect(values[name], `a value for ${name}`).toBeDefined();
          script.push(`${name}=${values[name]}`);
        }
      } else if (block.marker === "run") {
        expect(block.lang).toBe("bash");
        script.push(block.code);
      } else if (block.marker.startsWith("save as ")) {
        writeFileSync(join(DIR, block.marker.slice("save as ".length)), `${block.code}\n`);
      } else {
        throw new Error(`unknown marker "${block.marker}"`);
      }
    }
    writeFileSync(join(DIR, "quickstart.sh"), `${script.join("\n")}\n`);
    const { stdout } = await run("bash", ["quickstart.sh"], {
      cwd: DIR,
      env: {
        ...process.env,
        PATH: `${join(process.cwd(), "node_modules/.bin")}:${process.env.PATH}`,
      },
      timeout: 150_000,
    }).catch((error: { stdout?: string; stderr?: string; message: string }) => {
      throw new Error(`the quickstart failed: ${error.message}\n${error.stdout}\n${error.stderr}`);
    });
    // curl: the first booking, its retry with the same key, then the cancel.
    const booked = /same booking: (apt_\w+)/.exec(stdout)?.[1];
    expect(booked, stdout).toMatch(/^apt_/);
    expect(stdout).toMatch(/^cancelled$/m);
    // The typed client: its own booking, then its cancel.
    expect(stdout).toMatch(/^booked apt_\w+ at \d{4}-\d{2}-\d{2}T/m);
    expect(stdout).toMatch(/^status: cancelled$/m);
    expect(/^booked (apt_\w+)/m.exec(stdout)?.[1]).not.toBe(booked);
    // The snippets typecheck strictly against the generated types.
    expect(typecheck([join(DIR, "quickstart.ts"), join(DIR, "verify-webhook.ts")])).toEqual([]);
  }, 240_000);

  it("its webhook snippet accepts a delivery signed as the API signs it, and refuses a forged one", async () => {
    const secret = `whsec_${Buffer.from("a quickstart secret of 32 bytes!").toString("base64")}`;
    process.env.WEBHOOK_SECRET = secret;
    const file = join(DIR, "verify-webhook.ts");
    const block = blocks.find((b) => b.marker === "save as verify-webhook.ts");
    writeFileSync(file, `${block?.code}\n`);
    const { verifyWebhook } = (await import(file)) as {
      verifyWebhook(body: string, headers: Headers): { type: string };
    };
    const body = JSON.stringify({ type: "appointment.created", timestamp: "x", data: {} });
    const now = new Date();
    const headers = new Headers({
      "webhook-id": "msg_quickstart1",
      "webhook-timestamp": String(Math.floor(now.getTime() / 1000)),
      "webhook-signature": new Webhook(secret).sign("msg_quickstart1", now, body),
    });
    expect(verifyWebhook(body, headers).type).toBe("appointment.created");
    expect(() => verifyWebhook(body.replace("created", "cancelled"), headers)).toThrow();
  });
});
