/** Reads .dev.vars (KEY=VALUE lines), creating it from .dev.vars.example on first run. */
import { copyFileSync, existsSync, readFileSync } from "node:fs";
// Node's URL: the global one is typed as the Workers runtime's, which fileURLToPath does not take.
import { fileURLToPath, URL } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

export function parseDotenv(text: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const match = /^\s*([A-Z0-9_]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (!match || line.trimStart().startsWith("#")) continue;
    const [, key, raw = ""] = match;
    if (key) vars[key] = raw.replace(/^"(.*)"$/, "$1");
  }
  return vars;
}

export function loadDevVars(log: (line: string) => void): Record<string, string> {
  const path = `${ROOT}/.dev.vars`;
  if (!existsSync(path)) {
    copyFileSync(`${ROOT}/.dev.vars.example`, path);
    log("created .dev.vars from .dev.vars.example (local-only secrets)");
  }
  return parseDotenv(readFileSync(path, "utf8"));
}

/**
 * The PUBLIC_BASE_URL of `npm run dev`: .dev.vars's own, else the address the dev server listens
 * on (PORT), so that email links point at the running copy.
 */
export function devPublicBaseUrl(vars: Record<string, string>, port: number): string {
  return vars.PUBLIC_BASE_URL || `http://127.0.0.1:${port}`;
}
