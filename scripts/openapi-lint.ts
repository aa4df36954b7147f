/**
 * `npm run lint:openapi`: builds the OpenAPI document from the routes (exactly what /openapi.json
 * serves) and lints it with Redocly against redocly.yaml. `--out FILE` writes the document and
 * stops (for `npm run client:types` without a running server).
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { createApp, OPENAPI_CONFIG } from "../src/app.ts";

const app = createApp(() => {
  throw new Error("the document needs no services");
});
const doc = JSON.stringify(app.getOpenAPI31Document(OPENAPI_CONFIG), null, 2);
const outAt = process.argv.indexOf("--out");
const out = outAt >= 0 ? process.argv[outAt + 1] : undefined;
if (out) {
  writeFileSync(out, `${doc}\n`);
  process.exit(0);
}
// Beside the other caches, so that a failure can be looked at (`--out` writes it elsewhere).
const file = "node_modules/.cache/openapi/openapi.json";
mkdirSync(dirname(file), { recursive: true });
writeFileSync(file, doc);
const lint = spawnSync(
  "redocly",
  ["lint", file, "--config", "redocly.yaml", "--format", "codeframe"],
  {
    stdio: "inherit",
    env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" },
  },
);
process.exit(lint.status ?? 1);
