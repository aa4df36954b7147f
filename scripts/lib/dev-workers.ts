/**
 * How `wrangler dev` runs the deployed layout locally: the edge worker (wrangler.toml) and the
 * placed worker (wrangler.placed.toml) in one process, the first answering HTTP and reaching the
 * second through its PLACED service binding (src/http/placement.ts).
 *
 * `wrangler dev` applies `--var` to the first config only and reads `.dev.vars` beside each
 * config, so every worker gets a folder of its own under `.wrangler/` (git-ignored): a copy of its
 * production config with absolute paths, and a `.dev.vars` with its bindings. With a distance
 * (`npm run dev` with DISTANCE_MS > 0) the two workers' bindings differ (the edge's store
 * addresses go through far proxies, the placed worker's through near ones) and a third,
 * development-only worker delays the hop between them (scripts/distance/hop-worker.ts).
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
// Node's URL: the global one is typed as the Workers runtime's, which fileURLToPath does not take.
import { fileURLToPath, URL } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** Replaces exactly one occurrence of `from`; a config that no longer has it is a loud error. */
function replaceOnce(text: string, from: string, to: string, file: string): string {
  const at = text.indexOf(from);
  if (at < 0 || text.indexOf(from, at + 1) >= 0)
    throw new Error(`${file}: expected exactly one ${JSON.stringify(from)}`);
  return text.slice(0, at) + to + text.slice(at + from.length);
}

function dotDevVars(vars: Record<string, string>): string {
  return `${Object.entries(vars)
    .map(([key, value]) => `${key}=${JSON.stringify(value)}`)
    .join("\n")}\n`;
}

export interface DistanceWorkersOptions {
  hopMs: number;
  /** Bindings for each worker (its store URLs among them); they override the configs' [vars]. */
  edgeVars: Record<string, string>;
  placedVars: Record<string, string>;
}

/** The English-only stand-in for zod's locales, resolved from the config's folder. */
const ZOD_ALIAS = '"../locales/index.js" = "./src/build/zod-locales-en.ts"';

/** The two production configs, rewritten to live in another folder (absolute paths). */
function relocatedConfigs(): { edge: string; placed: string } {
  const main = `main = "${join(ROOT, "src/worker.ts")}"`;
  const zodAlias = `"../locales/index.js" = "${join(ROOT, "src/build/zod-locales-en.ts")}"`;
  let edge = readFileSync(join(ROOT, "wrangler.toml"), "utf8");
  edge = replaceOnce(edge, 'main = "src/worker.ts"', main, "wrangler.toml");
  edge = replaceOnce(
    edge,
    'directory = "./public"',
    `directory = "${join(ROOT, "public")}"`,
    "wrangler.toml",
  );
  edge = replaceOnce(edge, ZOD_ALIAS, zodAlias, "wrangler.toml");
  let placed = readFileSync(join(ROOT, "wrangler.placed.toml"), "utf8");
  placed = replaceOnce(placed, 'main = "src/worker.ts"', main, "wrangler.placed.toml");
  placed = replaceOnce(placed, ZOD_ALIAS, zodAlias, "wrangler.placed.toml");
  return { edge, placed };
}

/** Writes a worker's config and its own `.dev.vars` into `dir/name`; returns the config's path. */
function writeWorker(dir: string, name: string, toml: string, vars: Record<string, string>) {
  mkdirSync(join(dir, name), { recursive: true });
  writeFileSync(join(dir, name, "wrangler.toml"), toml);
  writeFileSync(join(dir, name, ".dev.vars"), dotDevVars(vars));
  return join(dir, name, "wrangler.toml");
}

/**
 * `-c` arguments for both workers sharing the stores, each given `vars`. `wrangler dev` applies
 * `--var` to the first config only (its other workers get their config's [vars] and the
 * `.dev.vars` beside it), so a harness that sets bindings per run writes both configs with a
 * `.dev.vars` of their own into a folder of that run (`.wrangler/test-workers/<run>`).
 */
export function sharedStoreConfigArgsWith(vars: Record<string, string>, run: string): string[] {
  const dir = join(ROOT, ".wrangler", "test-workers", run);
  const { edge, placed } = relocatedConfigs();
  return [
    "-c",
    writeWorker(dir, "edge", edge, vars),
    "-c",
    writeWorker(dir, "placed", placed, vars),
  ];
}

/** Writes the three configs and returns the `-c` arguments for `wrangler dev`. */
export function distanceConfigArgs(options: DistanceWorkersOptions): string[] {
  const dir = join(ROOT, ".wrangler", "dev-workers");
  const write = (name: string, toml: string, vars: Record<string, string>) =>
    writeWorker(dir, name, toml, vars);
  const relocated = relocatedConfigs();
  const edge = replaceOnce(
    relocated.edge,
    'service = "appointease-placed"',
    'service = "appointease-hop"',
    "wrangler.toml",
  );
  const placed = relocated.placed;

  const hop = [
    'name = "appointease-hop"',
    `main = "${resolve(ROOT, "scripts/distance/hop-worker.ts")}"`,
    'compatibility_date = "2025-09-01"',
    "",
    "[[services]]",
    'binding = "ORIGIN"',
    'service = "appointease-placed"',
    "",
  ].join("\n");

  return [
    "-c",
    write("edge", edge, options.edgeVars),
    "-c",
    write("hop", hop, { HOP_MS: String(options.hopMs) }),
    "-c",
    write("placed", placed, options.placedVars),
  ];
}
