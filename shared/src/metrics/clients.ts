import { Counter, type Registry } from 'prom-client';
import type { AppendHook } from '../event-store/postgres/store.ts';
import type { Redis } from '../redis.ts';

/** Appends to the event store: calls that appended, and their events (a repeat appends none). */
export function appendMetrics(registry: Registry): AppendHook {
  const appends = new Counter({
    name: 'flowdose_event_appends_total',
    help: 'Appends to the event store that added events (a retried, duplicate append is not counted)',
    registers: [registry],
  });
  const events = new Counter({
    name: 'flowdose_events_appended_total',
    help: 'Events appended to the event store',
    registers: [registry],
  });
  return ({ events: n }) => {
    appends.inc();
    events.inc(n);
  };
}

/** Counts a Redis client's reconnect attempts under `client` (requests, queues, …). */
export function redisMetrics(registry: Registry): (client: string, redis: Redis) => void {
  const reconnects = new Counter({
    name: 'flowdose_redis_reconnects_total',
    help: 'Reconnect attempts of a Redis client (ioredis "reconnecting"), by client',
    labelNames: ['client'] as const,
    registers: [registry],
  });
  return (client, redis) => {
    reconnects.inc({ client }, 0);
    redis.on('reconnecting', () => reconnects.inc({ client }));
  };
}
