import { createRequire } from 'node:module';
import { Router } from 'express';
import helmet from 'helmet';
import type { OpenApiDocument } from './openapi.ts';

// Redoc's standalone bundle, served from node_modules: the page needs nothing from another host.
const REDOC_BUNDLE = createRequire(import.meta.url).resolve('redoc/bundles/redoc.standalone.js');

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

// No inline script, so helmet's script-src 'self' holds; Redoc builds its search index in a
// worker it starts from a blob: URL.
const page = (title: string) => `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>${escapeHtml(title)}</title>
  </head>
  <body>
    <redoc spec-url="/openapi.json"></redoc>
    <script src="/docs/redoc.standalone.js"></script>
  </body>
</html>
`;

const docsPolicy = helmet.contentSecurityPolicy({ directives: { workerSrc: ["'self'", 'blob:'] } });

/** GET /openapi.json (the contract), GET /docs (a readable reference of it) and the renderer's script. */
export function documentationRoutes(document: OpenApiDocument): Router {
  const router = Router();
  const html = page(document.info.title);
  router.get('/openapi.json', (_req, res) => {
    res.set('Cache-Control', 'no-cache').json(document);
  });
  router.get('/docs', docsPolicy, (_req, res) => {
    res.set('Cache-Control', 'no-cache').type('html').send(html);
  });
  router.get('/docs/redoc.standalone.js', (_req, res) => {
    res.set('Cache-Control', 'public, max-age=86400').sendFile(REDOC_BUNDLE);
  });
  return router;
}
