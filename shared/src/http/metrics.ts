import { Router } from 'express';
import { collectDefaultMetrics, Registry } from 'prom-client';

/**
 * A service's Prometheus registry (prom-client): the process's own figures (CPU, memory,
 * event-loop lag, GC) labelled with the service, plus whatever its parts register.
 */
export function createMetrics(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return registry;
}

/** `GET /metrics` in Prometheus' text format; mounted before authentication, like /health. */
export function metricsRoute(registry: Registry): Router {
  const router = Router();
  router.get('/metrics', async (_req, res) => {
    res.set('Content-Type', registry.contentType);
    res.set('Cache-Control', 'no-store');
    res.send(await registry.metrics());
  });
  return router;
}
