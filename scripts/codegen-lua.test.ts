import { describe, expect, it } from "vitest";
import * as generated from "../src/lua/scripts.gen.ts";
import { readScripts, stripComments } from "./codegen-lua.ts";

const shipped = Object.values(generated).filter(
  (value): value is generated.LuaScript => typeof value === "object",
);

/** The source without comments, read by a plain scan: what a comment is, stated once more. */
function codeOutsideStrings(source: string): string {
  return source.replace(/"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'/g, '""');
}

describe("Lua codegen", () => {
  it("ships every script without a comment", () => {
    expect(shipped.length).toBe(readScripts().length);
    for (const script of shipped) {
      expect(codeOutsideStrings(script.source), script.name).not.toContain("--");
    }
  });

  it("removes line comments, trailing comments and block comments, and nothing in strings", () => {
    const source = [
      "-- header",
      "--[[ a block",
      "   over lines ]]",
      "local a = 1 -- trailing",
      "local b = \"x -- not a comment\" .. 'y--z' -- but this is",
      "local c = [[ -- a long string ]] --[==[ a [[nested]] block ]==] + 1",
      "  --   indented",
      "",
      'return {a, b, "\\"--"}',
    ].join("\n");
    expect(stripComments(source)).toBe(
      [
        "local a = 1",
        "local b = \"x -- not a comment\" .. 'y--z'",
        "local c = [[ -- a long string ]]  + 1",
        'return {a, b, "\\"--"}',
        "",
      ].join("\n"),
    );
  });

  it("changes nothing but comments and blank lines: the code is the same, token for token", () => {
    for (const script of readScripts()) {
      const tokens = (text: string) =>
        codeOutsideStrings(text)
          .split("\n")
          .map((line) => line.replace(/--.*$/, ""))
          .join(" ")
          .split(/\s+/)
          .filter(Boolean);
      const shippedScript = shipped.find((s) => s.name === script.name);
      expect(shippedScript, script.name).toBeDefined();
      expect(tokens(shippedScript?.source ?? ""), script.name).toEqual(tokens(script.source));
    }
  });
});
