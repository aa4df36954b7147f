import { createRouter } from "../../http/router.ts";

/**
 * The interactive API reference: Swagger UI over /openapi.json. Its script and stylesheet are
 * served as static assets from public/docs/ (copied from the pinned swagger-ui-dist package by
 * scripts/vendor-docs-assets.ts), so the page works without any CDN.
 */
const DOCS_HTML = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>AppointEase Edge API reference</title>
  <link rel="stylesheet" href="/docs/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/swagger-ui-bundle.js"></script>
  <script src="/docs/init.js"></script>
</body>
</html>
`;

export const docsRoutes = createRouter().get("/docs", (c) => {
  // Swagger UI builds its page from inline styles; allow them on this page only.
  c.header(
    "Content-Security-Policy",
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'",
  );
  return c.html(DOCS_HTML);
});
