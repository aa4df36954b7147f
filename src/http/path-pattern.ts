/**
 * Whether a middleware mounted on a Hono `pattern` ("/v1/holds", "/v1/holds/*") runs for an
 * operation's path ("/v1/holds/{holdId}"). The route declarations use it to document what the
 * middleware answers (src/routes/shared/common-answers.ts) from the same lists it is mounted by.
 */
export function pathMatches(pattern: string, path: string): boolean {
  if (pattern.endsWith("/*")) {
    const base = pattern.slice(0, -2);
    return path === base || path.startsWith(`${base}/`);
  }
  return path === pattern;
}
