import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';

/** Where each service's /metrics listens unless METRICS_PORT says otherwise. */
export const METRICS_PORTS = {
  'command-api': 9101,
  'query-api': 9102,
  projections: 9103,
  storefront: 9104,
} as const;

/** The port a service's metrics listen on: METRICS_PORT when set, else the service's own. */
export const metricsPort = (config: Pick<Config, 'METRICS_PORT'>, service: keyof typeof METRICS_PORTS): number =>
  config.METRICS_PORT ?? METRICS_PORTS[service];

export type MetricsServer = {
  server: Server;
  /** The port bound (METRICS_PORT=0 picks a free one); null when it could not listen. */
  port: number | null;
  close(): Promise<void>;
};

/**
 * `GET /metrics` in Prometheus' text format on a port of its own, never on the public API's:
 * the figures name routes, queues and read models, and a scraper needs no token this way.
 * Bound to loopback by default (METRICS_HOST). Anything else answers 404.
 *
 * A port already taken is logged and the service goes on without its metrics: the figures
 * are for watching the shop, and a shop that stops serving because of them helps no one. A
 * scraper sees the target down (`up == 0`), which is alerting's business.
 */
export async function serveMetrics(
  registry: Registry,
  { host, port, logger }: { host: string; port: number; logger: Logger },
): Promise<MetricsServer> {
  const server = createServer((req, res) => {
    const path = req.url?.split('?')[0];
    if (req.method !== 'GET' || path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain', 'cache-control': 'no-store' });
      return void res.end('not found\n');
    }
    registry.metrics().then(
      (text) => {
        res.writeHead(200, { 'content-type': registry.contentType, 'cache-control': 'no-store' });
        res.end(text);
      },
      (err: unknown) => {
        logger.error({ err }, 'metrics: collecting failed');
        res.writeHead(500, { 'content-type': 'text/plain', 'cache-control': 'no-store' });
        res.end('collecting the metrics failed\n');
      },
    );
  });
  const bound = await new Promise<number | null>((resolve) => {
    server.once('error', (err) => {
      logger.error({ err }, `metrics not served: cannot listen on ${host}:${port}`);
      resolve(null);
    });
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
  if (bound !== null) logger.info(`metrics on http://${host}:${bound}/metrics`);
  return {
    server,
    port: bound,
    close: () =>
      new Promise<void>((resolve) => {
        if (!server.listening) return resolve();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
