// Serves the built storefront (what `next start` does) with one difference: the APIs
// rate-limit per client, and Next keeps a client's own X-Forwarded-For header when it sends
// one, so any shopper could pick their address. Here the header is always the socket's
// address, unless STOREFRONT_BEHIND_PROXY=true says a reverse proxy in front sets it.
// It also answers the probes the other services answer (/health, /ready) and stops
// gracefully on SIGTERM.
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import next from 'next';

// Serving loads next.config.mjs, whose Serwist wrapper warns about Turbopack when not run by
// `next build --webpack`; the worker was built there already.
process.env.SERWIST_SUPPRESS_TURBOPACK_WARNING ??= '1';

const port = Number(process.env.PORT ?? process.env.STOREFRONT_PORT ?? 3000);
const hostname = process.env.HOSTNAME ?? '0.0.0.0';
const behindProxy = process.env.STOREFRONT_BEHIND_PROXY === 'true';
// The same defaults as the /api forwarder (app/api/[service]/[...path]/route.ts).
const upstreams = {
  'command-api': process.env.COMMAND_API_URL ?? 'http://127.0.0.1:4001',
  'query-api': process.env.QUERY_API_URL ?? 'http://127.0.0.1:4002',
};
/** After SIGTERM, requests under way get this long; then it exits anyway. */
const STOP_WITHIN_MS = 10_000;

const app = next({ dev: false, dir: fileURLToPath(new URL('.', import.meta.url)), hostname, port });
const handle = app.getRequestHandler();
await app.prepare();

const reply = (res, status, body) => {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
};

/** Every page reads through the two APIs: ready when each answers its /health within a second. */
async function ready(res) {
  const states = await Promise.all(
    Object.entries(upstreams).map(async ([name, url]) => {
      const state = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) }).then(
        (r) => (r.ok ? 'ok' : `answered ${r.status}`),
        (e) => (e.name === 'TimeoutError' ? 'no answer within 1000 ms' : (e.cause?.message ?? e.message)),
      );
      return [name, state];
    }),
  );
  const ok = states.every(([, state]) => state === 'ok');
  reply(res, ok ? 200 : 503, {
    status: ok ? 'ok' : 'unavailable',
    service: 'storefront',
    dependencies: Object.fromEntries(states),
  });
}

// Live order streams passing through the /api forwarders: they never finish by themselves, so
// a shutdown cuts them instead of waiting its whole grace for them; their pages reconnect.
const liveStreams = new Set();
const LIVE_PATH = /^\/(admin\/)?api\/queries\/orders\/[^/]+\/live$/;

const server = createServer((req, res) => {
  const path = req.url?.split('?')[0];
  if (path === '/health') return reply(res, 200, { status: 'ok', service: 'storefront' });
  if (path === '/ready') return void ready(res);
  if (!behindProxy) req.headers['x-forwarded-for'] = req.socket.remoteAddress ?? '';
  if (LIVE_PATH.test(path ?? '')) {
    liveStreams.add(res);
    res.once('close', () => liveStreams.delete(res));
  }
  void handle(req, res);
});
server.on('error', (err) => {
  // The port taken: exit, so the supervisor (npm start) starts the process again.
  console.error(`storefront cannot listen on ${hostname}:${port}:`, err.message);
  process.exit(1);
});
server.listen(port, hostname, () => console.log(`storefront on http://${hostname}:${port}`));

let stopping = false;
function shutdown(why) {
  if (stopping) return;
  stopping = true;
  console.log(`storefront shutting down (${why})`);
  setTimeout(() => {
    console.error(`storefront not stopped within ${STOP_WITHIN_MS / 1000} s; exiting anyway`);
    server.closeAllConnections();
    process.exit(1);
  }, STOP_WITHIN_MS).unref();
  // Requests under way finish; a keep-alive connection is closed as soon as it is idle.
  const idle = setInterval(() => server.closeIdleConnections(), 100);
  server.close(() => {
    clearInterval(idle);
    app.close().then(
      () => process.exit(0),
      (err) => {
        console.error('storefront shutdown failed:', err);
        process.exit(1);
      },
    );
  });
  server.closeIdleConnections();
  for (const res of liveStreams) res.destroy();
}
process.once('SIGTERM', () => shutdown('SIGTERM'));
process.once('SIGINT', () => shutdown('SIGINT'));
// `npm start` gives each app an IPC channel; it closes when the supervisor is gone.
process.once('disconnect', () => shutdown('supervisor gone'));
