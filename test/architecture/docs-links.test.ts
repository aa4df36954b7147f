/**
 * The docs stay honest: every relative link in README.md and docs/ points at a file that exists
 * (and, for a link into a Markdown file with `#anchor`, at a heading that exists), every source
 * path the docs name (`src/…`, `lua/…`, …) exists, and every `docs/….md` path named in code
 * exists. So a moved file fails here until the docs follow it. Needs no service: it reads files.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");

function filesUnder(dir: string, keep: (path: string) => boolean): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name === "node_modules" || name.startsWith(".")) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...filesUnder(path, keep));
    else if (keep(path)) out.push(path);
  }
  return out;
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[`*_]/g, "")
    .replace(/[^\p{L}\p{N} -]/gu, "")
    .replace(/ /g, "-");
}

function anchorsOf(markdown: string): Set<string> {
  const outsideCode = markdown.replace(/```[\s\S]*?```/g, "");
  const headings = [...outsideCode.matchAll(/^#{1,6} +(.+?) *$/gm)].map((m) => m[1] ?? "");
  return new Set(headings.map(slug));
}

/** Relative link targets of one Markdown file: `[text](target)` and `<img src="target">`. */
function linksOf(markdown: string): string[] {
  const outsideCode = markdown.replace(/```[\s\S]*?```/g, "").replace(/`[^`\n]*`/g, "");
  const targets = [
    ...[...outsideCode.matchAll(/\]\(([^)\s]+)(?: "[^"]*")?\)/g)].map((m) => m[1] ?? ""),
    ...[...outsideCode.matchAll(/<img [^>]*src="([^"]+)"/g)].map((m) => m[1] ?? ""),
  ];
  return targets.filter((target) => !/^[a-z]+:/i.test(target));
}

const markdownFiles = [
  join(ROOT, "README.md"),
  ...filesUnder(join(ROOT, "docs"), (path) => path.endsWith(".md")),
];

describe("docs links", () => {
  it("finds the docs it checks", () => {
    expect(markdownFiles.length).toBeGreaterThan(10);
  });

  for (const file of markdownFiles) {
    const name = relative(ROOT, file);
    it(`every relative link in ${name} resolves`, () => {
      const markdown = readFileSync(file, "utf8");
      const broken: string[] = [];
      for (const link of linksOf(markdown)) {
        const [pathPart = "", anchor] = link.split("#");
        const target = pathPart === "" ? file : resolve(dirname(file), decodeURI(pathPart));
        if (!existsSync(target)) {
          broken.push(`${link} (no such file)`);
          continue;
        }
        if (
          anchor &&
          target.endsWith(".md") &&
          !anchorsOf(readFileSync(target, "utf8")).has(anchor)
        )
          broken.push(`${link} (no such heading)`);
      }
      expect(broken).toEqual([]);
    });
  }

  it("every repository path the docs name in code spans exists", () => {
    const missing: string[] = [];
    for (const file of markdownFiles) {
      const markdown = readFileSync(file, "utf8").replace(/```[\s\S]*?```/g, "");
      for (const match of markdown.matchAll(
        /`((?:src|lua|scripts|test|web|migrations)\/[^`\s]*)`/g,
      )) {
        const path = (match[1] ?? "").replace(/[.,:;]$/, "");
        if (/[<>*{}]/.test(path) || existsSync(join(ROOT, path))) continue;
        missing.push(`${relative(ROOT, file)}: ${path}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it("every docs/….md path named in code exists", () => {
    const code = [
      ...["src", "lua", "scripts", "test", "web"].flatMap((dir) =>
        filesUnder(
          join(ROOT, dir),
          (path) => /\.(ts|lua)$/.test(path) && !path.endsWith(".gen.ts"),
        ),
      ),
      ...readdirSync(ROOT)
        .filter((name) => /\.(toml|config\.ts)$/.test(name))
        .map((name) => join(ROOT, name)),
    ];
    const missing: string[] = [];
    for (const file of code) {
      for (const match of readFileSync(file, "utf8").matchAll(/\bdocs\/[\w./-]+\.md\b/g)) {
        if (existsSync(join(ROOT, match[0]))) continue;
        missing.push(`${relative(ROOT, file)}: ${match[0]}`);
      }
    }
    expect(code.length).toBeGreaterThan(100);
    expect(missing).toEqual([]);
  });
});
