import { Gauge, type Registry } from 'prom-client';
import type { Pool } from '../db.ts';

/**
 * A pg pool's connections at scrape time: open (total), idle, and requests waiting for one.
 * In use is total − idle; waiting above zero for long means the pool is too small or a
 * query holds its connections.
 */
export function poolMetrics(registry: Registry, pool: Pool, name = 'main'): void {
  const figures = [
    ['flowdose_pg_pool_connections', 'Connections the pool holds open', () => pool.totalCount],
    ['flowdose_pg_pool_idle_connections', 'Of those, idle', () => pool.idleCount],
    ['flowdose_pg_pool_waiting_requests', 'Queries waiting for a connection', () => pool.waitingCount],
  ] as const;
  for (const [metric, help, read] of figures) {
    new Gauge({
      name: metric,
      help,
      labelNames: ['pool'] as const,
      registers: [registry],
      collect() {
        this.set({ pool: name }, read());
      },
    });
  }
}
