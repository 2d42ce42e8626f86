import { collectDefaultMetrics, Registry } from 'prom-client';

/**
 * A service's Prometheus registry (prom-client): the process's own figures (CPU, memory,
 * event-loop lag, GC) labelled with the service, plus whatever its parts register. Served
 * by serveMetrics (metrics/serve.ts) on a port of its own, never on the public API port.
 */
export function createMetrics(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return registry;
}
