import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

/**
 * No module of src/ reaches itself through its imports, type-only imports included: a cycle
 * ties two layers into one, and Biome's direction rules cannot see it when both ends sit in the
 * same layer.
 */

const SRC = resolve(import.meta.dirname, "../../src");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts") ? [path] : [];
  });
}

/** The relative imports and re-exports of one file, resolved to absolute paths. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const found: string[] = [];
  for (const match of text.matchAll(/(?:import|export)\s[^;]*?from\s+"(\.{1,2}\/[^"]+)"/g)) {
    found.push(resolve(dirname(file), match[1] as string));
  }
  return found;
}

/** Every cycle found by depth-first search, each as the list of files around it. */
function cycles(graph: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (file: string) => {
    state.set(file, "open");
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (!graph.has(next)) continue;
      if (state.get(next) === "open") found.push(stack.slice(stack.indexOf(next)));
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, "done");
  };
  for (const file of graph.keys()) if (!state.has(file)) visit(file);
  return found;
}

describe("src/ imports", () => {
  const graph = new Map(sourceFiles(SRC).map((file) => [file, importsOf(file)]));

  it("finds the imports it checks (the parser is not blind)", () => {
    const ports = graph.get(join(SRC, "domain/ports.ts")) ?? [];
    expect(ports).toContain(join(SRC, "domain/booking/types.ts"));
  });

  it("detects a cycle when there is one", () => {
    const a = "/a.ts";
    const b = "/b.ts";
    expect(
      cycles(
        new Map([
          [a, [b]],
          [b, [a]],
        ]),
      ),
    ).toEqual([[a, b]]);
  });

  it("have no cycles", () => {
    const named = cycles(graph).map((cycle) =>
      cycle.map((file) => file.slice(SRC.length + 1)).join(" -> "),
    );
    expect(named).toEqual([]);
  });
});
