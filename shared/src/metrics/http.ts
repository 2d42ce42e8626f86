import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { ApiContract } from '@flowdose/contract/routes';
import { Counter, Histogram, type Registry } from 'prom-client';

/** The label of a request no route template matched: never its raw URL (one series per URL). */
export const UNMATCHED = 'unmatched';

/** Seconds: an API answers in milliseconds; checkout and uploads take longer; streams far longer. */
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * Counts and times every request a server answers, by method, route label and status:
 * `http_requests_total` and `http_request_duration_seconds`. It listens on the server
 * itself, not as an express middleware, so a request refused before any route (401, 413, a
 * malformed body) is counted too, and a plain node:http server (the storefront's) is
 * measured the same way. `route` names the request's route; it must come from a small
 * fixed set.
 */
export function instrumentHttp(server: Server, registry: Registry, route: (req: IncomingMessage) => string): void {
  const requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests answered, by method, route template and status ("aborted": the client left first)',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time from a request to the end of its answer, by method, route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: BUCKETS,
    registers: [registry],
  });
  // First of the server's listeners: the clock starts before the app's handler runs.
  server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
    const started = process.hrtime.bigint();
    res.once('close', () => {
      const labels = {
        method: knownMethod(req.method),
        route: route(req),
        status: res.writableFinished ? String(res.statusCode) : 'aborted',
      };
      requests.inc(labels);
      duration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
    });
  });
}

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
/** A client may send any token as a method; the label keeps to the known ones. */
const knownMethod = (method: string | undefined) => (method && METHODS.has(method) ? method : 'OTHER');

/**
 * An express API's route label: the template of the route that answered (`req.route.path`
 * under its router's mount path), else the contract route the path fits (a request refused
 * before routing, 401 say), else "unmatched".
 */
export function expressRouteLabel(contract: ApiContract): (req: IncomingMessage) => string {
  const templates = contract.routes.map((r) => ({
    method: r.method.toUpperCase(),
    path: r.path,
    pattern: templatePattern(r.path),
  }));
  return (req) => {
    const { route, baseUrl } = req as IncomingMessage & { route?: { path?: unknown }; baseUrl?: string };
    if (typeof route?.path === 'string') return `${baseUrl ?? ''}${route.path}`;
    const path = req.url?.split('?')[0] ?? '';
    const method = req.method === 'HEAD' ? 'GET' : req.method;
    return templates.find((t) => t.method === method && t.pattern.test(path))?.path ?? UNMATCHED;
  };
}

/** `/carts/:cartId/items` → a pattern matching one segment per parameter. */
const templatePattern = (template: string): RegExp =>
  new RegExp(
    `^${template
      .split('/')
      .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
      .join('/')}/?$`,
  );
