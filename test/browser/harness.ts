/**
 * The browser tier's harness: the worker under a real `wrangler dev` (test/stack/wrangler-dev.ts: what
 * a visitor meets) against the test stack, and the system Chromium driven by playwright-core.
 * Nothing is downloaded: Chromium is the Debian package `chromium` (`/usr/bin/chromium`, or
 * `CHROMIUM_PATH`).
 */
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
// Node's URL: the global one is typed as the Workers runtime's, which fileURLToPath does not take.
import { fileURLToPath, URL } from "node:url";
import { type Browser, chromium, type Page } from "playwright-core";
import { TEST_STACK } from "../stack/stack-env.ts";

export { startWorker, type Worker } from "../stack/wrangler-dev.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
/** Screenshots land here (git-ignored). */
export const ARTIFACTS = join(root, "artifacts/screenshots");

export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--headless",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--no-first-run",
  "--disable-sync",
];

/** The system Chromium; a clear message naming the package when it is missing. */
export async function launchBrowser(): Promise<Browser> {
  const executablePath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
  if (!existsSync(executablePath)) {
    throw new Error(
      `Chromium not found at ${executablePath}: install the Debian package (apt-get install -y chromium) or set CHROMIUM_PATH`,
    );
  }
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS });
}

const axeSource = readFileSync(join(root, "node_modules/axe-core/axe.min.js"), "utf8");

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[] }[];
}

/**
 * Runs axe-core in the page (its source is evaluated through the DevTools protocol, which the
 * page's CSP does not govern) and returns the serious and critical violations.
 */
export async function seriousViolations(page: Page): Promise<string[]> {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    // Runs in the page, where axe-core now lives on the global object (whole document by default).
    const axe = (
      globalThis as unknown as { axe: { run: () => Promise<{ violations: AxeViolation[] }> } }
    ).axe;
    const result = await axe.run();
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target })),
    }));
  });
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help}; ${v.nodes.length} nodes, first ${JSON.stringify(v.nodes[0]?.target)}`,
    );
}

/** A screenshot (the whole page, or only the viewport) into the artifacts folder. */
export async function screenshot(page: Page, name: string, fullPage = true): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage });
}

/** The test stack's admin header, for settings and catalog set-up through the worker. */
export const adminHeaders = {
  Authorization: `Bearer ${TEST_STACK.adminToken}`,
  "Content-Type": "application/json",
};
