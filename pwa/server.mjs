// Serves the built storefront (what `next start` does) with one difference: the APIs
// rate-limit per client, and Next keeps a client's own X-Forwarded-For header when it sends
// one, so any shopper could pick their address. Here the header is always the socket's
// address, unless STOREFRONT_BEHIND_PROXY=true says a reverse proxy in front sets it.
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import next from 'next';

// Serving loads next.config.mjs, whose Serwist wrapper warns about Turbopack when not run by
// `next build --webpack`; the worker was built there already.
process.env.SERWIST_SUPPRESS_TURBOPACK_WARNING ??= '1';

const port = Number(process.env.PORT ?? process.env.STOREFRONT_PORT ?? 3000);
const hostname = process.env.HOSTNAME ?? '0.0.0.0';
const behindProxy = process.env.STOREFRONT_BEHIND_PROXY === 'true';

const app = next({ dev: false, dir: fileURLToPath(new URL('.', import.meta.url)), hostname, port });
const handle = app.getRequestHandler();
await app.prepare();

createServer((req, res) => {
  if (!behindProxy) req.headers['x-forwarded-for'] = req.socket.remoteAddress ?? '';
  void handle(req, res);
}).listen(port, hostname, () => console.log(`storefront on http://${hostname}:${port}`));
