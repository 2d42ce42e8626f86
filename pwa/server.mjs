// Serves the built storefront (what `next start` does) with one difference: the APIs
// rate-limit per client, and Next keeps a client's own X-Forwarded-For header when it sends
// one, so any shopper could pick their address. Here the header is always the socket's
// address, unless STOREFRONT_BEHIND_PROXY=true says a reverse proxy in front sets it.
// It also answers the probes the other services answer (/health, /ready), passes product
// images (/media/…) straight to the query API, and stops gracefully on SIGTERM. Its figures
// (requests by kind, latency, the process's own) are on a metrics port of their own.
import { randomUUID } from 'node:crypto';
import { createServer, request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { fileURLToPath } from 'node:url';
import next from 'next';
// Hoisted from the shared workspace's dependencies (the storefront declares only what its pages use).
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import { z } from 'zod';

// Serving loads next.config.mjs, whose Serwist wrapper warns about Turbopack when not run by
// `next build --webpack`; the worker was built there already.
process.env.SERWIST_SUPPRESS_TURBOPACK_WARNING ??= '1';

// This process's own settings, read here once: node runs this file as it is, before Next and
// unbundled, so it cannot load lib/env.ts (TypeScript), which reads the pages' settings. The
// two API addresses are the pages' too: their defaults are the same there. An empty value
// counts as unset.
const Port = z.coerce.number().int().min(0).max(65535);
const HttpUrl = z.url({ protocol: /^https?$/ });
const ServerEnv = z.object({
  // PORT (what `npm start` sets, and `next start` reads) wins over STOREFRONT_PORT.
  PORT: Port.optional(),
  STOREFRONT_PORT: Port.default(3000),
  HOSTNAME: z.string().default('0.0.0.0'),
  // A reverse proxy in front sets X-Forwarded-For; without one, this server does.
  STOREFRONT_BEHIND_PROXY: z.enum(['true', 'false']).default('false'),
  COMMAND_API_URL: HttpUrl.default('http://127.0.0.1:4001'),
  QUERY_API_URL: HttpUrl.default('http://127.0.0.1:4002'),
  // Prometheus scrapes GET /metrics here; loopback unless METRICS_HOST says otherwise.
  METRICS_PORT: Port.default(9104),
  METRICS_HOST: z.string().default('127.0.0.1'),
});
const env = (() => {
  const given = Object.fromEntries(Object.keys(ServerEnv.shape).map((name) => [name, process.env[name] || undefined]));
  const parsed = ServerEnv.safeParse(given);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
  console.error(`Invalid storefront configuration:\n${lines.join('\n')}`);
  process.exit(1);
})();

const port = env.PORT ?? env.STOREFRONT_PORT;
const hostname = env.HOSTNAME;
const behindProxy = env.STOREFRONT_BEHIND_PROXY === 'true';
const upstreams = { 'command-api': env.COMMAND_API_URL, 'query-api': env.QUERY_API_URL };
const metricsPort = env.METRICS_PORT;
const metricsHost = env.METRICS_HOST;
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

// Product answers name images by the query API's own paths (/media/<hash>/640.avif) unless
// MEDIA_PUBLIC_BASE_URL puts them elsewhere (a CDN): passed on here, the pages' URLs work as
// given, on the shop's origin (its CSP's 'self', the worker's image cache). Piped by this
// server rather than a Next route: a page's largest image waited behind Next's handling
// (tens of ms a request, more while the same process renders the page), and its paint with
// it. The path goes as it came (never normalised here: the query API refuses `..` with a 400);
// what the query API answers comes back, its year-long immutable Cache-Control, ETag, ranges.
const MEDIA_PATH = /^\/media\/[^/]+\/[^/]+$/;
const MEDIA_REQUEST_HEADERS = ['accept', 'if-none-match', 'if-modified-since', 'range', 'if-range', 'x-request-id'];
const MEDIA_RESPONSE_HEADERS = [
  'accept-ranges',
  'cache-control',
  'content-length',
  'content-range',
  'content-type',
  'etag',
  'last-modified',
  'x-request-id',
];
const MEDIA_UPSTREAM = new URL(upstreams['query-api']);
const MEDIA_REQUEST = MEDIA_UPSTREAM.protocol === 'https:' ? httpsRequest : httpRequest;
const MEDIA_BASE_PATH = MEDIA_UPSTREAM.pathname.replace(/\/$/, '');
function media(req, res) {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD', 'cache-control': 'no-store' });
    return res.end();
  }
  // The shopper's address too: the query API rate-limits per client, not per this server.
  const headers = {};
  for (const name of ['x-forwarded-for', ...MEDIA_REQUEST_HEADERS])
    if (req.headers[name] !== undefined) headers[name] = req.headers[name];
  // One request id through every service (the APIs take the same shape: lib/server/forward.ts).
  if (!/^[A-Za-z0-9._:-]{1,128}$/.test(headers['x-request-id'] ?? '')) headers['x-request-id'] = randomUUID();
  const upstream = MEDIA_REQUEST(
    {
      protocol: MEDIA_UPSTREAM.protocol,
      host: MEDIA_UPSTREAM.hostname,
      port: MEDIA_UPSTREAM.port,
      path: `${MEDIA_BASE_PATH}${req.url}`,
      method: req.method,
      headers,
    },
    (answer) => {
      const kept = { 'x-content-type-options': 'nosniff' };
      for (const name of MEDIA_RESPONSE_HEADERS)
        if (answer.headers[name] !== undefined) kept[name] = answer.headers[name];
      res.writeHead(answer.statusCode ?? 502, kept);
      answer.pipe(res);
    },
  );
  upstream.on('error', () => {
    if (res.headersSent) return void res.destroy();
    // As the /api forwarders answer an API that is down (lib/server/forward.ts).
    res.writeHead(503, { 'content-type': 'application/problem+json', 'cache-control': 'no-store', 'retry-after': '1' });
    res.end(
      JSON.stringify({
        type: '/problems/upstream-unavailable',
        title: 'Service unavailable',
        status: 503,
        detail: 'queries API is down',
      }),
    );
  });
  // The browser gone (a lazy image scrolled past, a page left): so is the request upstream.
  res.once('close', () => upstream.destroy());
  upstream.end();
}

// Live order streams passing through the /api forwarders: they never finish by themselves, so
// a shutdown cuts them instead of waiting its whole grace for them; their pages reconnect.
const liveStreams = new Set();
const LIVE_PATH = /^\/(admin\/)?api\/queries\/orders\/[^/]+\/live$/;

// What the storefront's figures are: the process's own, and every request by a coarse kind
// (never its URL: one series per page or product would swamp the scraper), method and status.
const metrics = new Registry();
metrics.setDefaultLabels({ service: 'storefront' });
collectDefaultMetrics({ register: metrics });
const requestLabels = ['method', 'route', 'status'];
const requests = new Counter({
  name: 'http_requests_total',
  help: 'HTTP requests answered, by method, kind (page, api-forward, static, media, probe) and status',
  labelNames: requestLabels,
  registers: [metrics],
});
const duration = new Histogram({
  name: 'http_request_duration_seconds',
  help: 'Time from a request to the end of its answer, by method, kind and status',
  labelNames: requestLabels,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [metrics],
});
const API_PATH = /^\/(admin\/)?api\//;
const STATIC_PATH = /^\/(_next\/|icons\/|sw\.js$|manifest\.webmanifest$|favicon)|\.[a-z0-9]+$/i;
const routeKind = (path) =>
  path === '/health' || path === '/ready'
    ? 'probe'
    : MEDIA_PATH.test(path)
      ? 'media'
      : API_PATH.test(path)
        ? 'api-forward'
        : STATIC_PATH.test(path)
          ? 'static'
          : 'page';
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
function measure(req, res, path) {
  const started = process.hrtime.bigint();
  res.once('close', () => {
    const labels = {
      method: METHODS.has(req.method) ? req.method : 'OTHER',
      route: routeKind(path),
      status: res.writableFinished ? String(res.statusCode) : 'aborted',
    };
    requests.inc(labels);
    duration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
  });
}

// Behind a load balancer: an idle connection outlives the balancer's own idle timeout (60 s
// for AWS and nginx), so the balancer closes first and never sends into a closing socket.
const server = createServer(
  { keepAliveTimeout: 65_000, headersTimeout: 66_000, requestTimeout: 300_000 },
  (req, res) => {
    const path = req.url?.split('?')[0];
    measure(req, res, path ?? '');
    if (path === '/health') return reply(res, 200, { status: 'ok', service: 'storefront' });
    if (path === '/ready') return void ready(res);
    if (!behindProxy) req.headers['x-forwarded-for'] = req.socket.remoteAddress ?? '';
    if (MEDIA_PATH.test(path ?? '')) return media(req, res);
    if (LIVE_PATH.test(path ?? '')) {
      liveStreams.add(res);
      res.once('close', () => liveStreams.delete(res));
    }
    void handle(req, res);
  },
);
server.on('error', (err) => {
  // The port taken: exit, so the supervisor (npm start) starts the process again.
  console.error(`storefront cannot listen on ${hostname}:${port}:`, err.message);
  process.exit(1);
});
server.listen(port, hostname, () => console.log(`storefront on http://${hostname}:${port}`));

// Never on the shop's own port. Taken, the shop serves on without its figures (the scraper
// sees the target down), as the other services do (shared/src/metrics/serve.ts).
const metricsServer = createServer((req, res) => {
  if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
    res.writeHead(404, { 'content-type': 'text/plain', 'cache-control': 'no-store' });
    return void res.end('not found\n');
  }
  metrics.metrics().then(
    (text) => {
      res.writeHead(200, { 'content-type': metrics.contentType, 'cache-control': 'no-store' });
      res.end(text);
    },
    (err) => {
      console.error('storefront metrics: collecting failed:', err);
      res.writeHead(500, { 'content-type': 'text/plain', 'cache-control': 'no-store' });
      res.end('collecting the metrics failed\n');
    },
  );
});
metricsServer.on('error', (err) =>
  console.error(`storefront metrics not served: cannot listen on ${metricsHost}:${metricsPort}:`, err.message),
);
metricsServer.listen(metricsPort, metricsHost);

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
  metricsServer.close();
  metricsServer.closeAllConnections();
}
process.once('SIGTERM', () => shutdown('SIGTERM'));
process.once('SIGINT', () => shutdown('SIGINT'));
// `npm start` gives each app an IPC channel; it closes when the supervisor is gone.
process.once('disconnect', () => shutdown('supervisor gone'));
