/**
 * Copies Swagger UI's bundle and stylesheet from the pinned swagger-ui-dist package into
 * public/docs/, which wrangler serves as static assets behind /docs. Runs on `npm install`
 * (postinstall), so the files are never committed and always match the lockfile.
 */
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
// Node's URL: the global one is typed as the Workers runtime's, which fileURLToPath does not take.
import { fileURLToPath, URL } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const outDir = join(root, "public/docs");
const require = createRequire(import.meta.url);
const distDir = dirname(require.resolve("swagger-ui-dist/package.json"));

mkdirSync(outDir, { recursive: true });
for (const file of ["swagger-ui-bundle.js", "swagger-ui.css"]) {
  copyFileSync(join(distDir, file), join(outDir, file));
}
// A separate file rather than an inline script, so the page's CSP can forbid inline scripts.
writeFileSync(
  join(outDir, "init.js"),
  'window.ui = SwaggerUIBundle({ url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: true });\n',
);
console.log(`docs assets: copied Swagger UI into ${outDir}`);
