import type { Pool } from '@flowdose/shared/db';
import type { EventStore } from '@flowdose/shared/event-store/port';
import { START } from '@flowdose/shared/event-store/position';
import type { Logger } from '@flowdose/shared/logger';
import { liveSchema, shadowSchema } from '@flowdose/shared/read-models';
import type { Redis } from '@flowdose/shared/redis';
import { within } from '@flowdose/shared/unavailable';
import type { Queue, Worker } from 'bullmq';
import { Counter, Gauge, type Registry } from 'prom-client';
import { countQuarantined } from './dead-letters.ts';
import type { Projection } from './projection.ts';

/** What a projection's worker reports as it goes: events applied, ranges failed. */
export type ProjectionMetrics = {
  applied(projection: string, events: number): void;
  failed(projection: string): void;
};

export function projectionMetrics(registry: Registry): ProjectionMetrics {
  const applied = new Counter({
    name: 'flowdose_projection_events_applied_total',
    help: 'Events a projection applied to its live read model (rate(): its apply rate)',
    labelNames: ['projection'] as const,
    registers: [registry],
  });
  const failed = new Counter({
    name: 'flowdose_projection_failures_total',
    help: 'Range jobs of a projection that failed (each failed attempt; BullMQ retries with backoff)',
    labelNames: ['projection'] as const,
    registers: [registry],
  });
  return {
    applied: (projection, events) => applied.inc({ projection }, events),
    failed: (projection) => failed.inc({ projection }),
  };
}

/** Counts a projection worker's applied events and failed jobs (worker.ts answers `{ applied }`). */
export function watchWorker(metrics: ProjectionMetrics, projection: string, worker: Worker): void {
  worker.on('completed', (_job, result: unknown) => {
    const applied = (result as { applied?: unknown } | undefined)?.applied;
    if (typeof applied === 'number') metrics.applied(projection, applied);
  });
  worker.on('failed', () => metrics.failed(projection));
}

/**
 * How long a scrape waits before it answers without a part's figures: Redis answers within
 * milliseconds or is away; Postgres may queue the scrape behind the workers' transactions
 * for a moment. Both well inside Prometheus' 10 s scrape timeout.
 */
const REDIS_TIMEOUT_MS = 1000;
const POSTGRES_TIMEOUT_MS = 3000;
/** The gauges of one scrape share one read of the checkpoints. */
const SAME_SCRAPE_MS = 1000;

/**
 * The figures read when Prometheus scrapes (collect callbacks), never kept up to date in
 * between: per projection its lag in events and seconds and a rebuild's progress; per queue
 * its jobs by state; the age of the oldest transaction holding the global log back. Postgres
 * or Redis away or slow: those series are left out of that scrape (Redis after a second), and
 * the rest (process, pool, counters) still answers.
 */
export function projectionGauges(
  registry: Registry,
  {
    pool,
    store,
    projections,
    queues,
    redis,
    logger,
  }: {
    pool: Pool;
    store: EventStore;
    projections: readonly Projection[];
    /** By BullMQ queue name. */
    queues: ReadonlyMap<string, Queue>;
    /** The queues' connection: while it is not ready their counts are not asked for (they would wait for it). */
    redis: Redis;
    logger: Logger;
  },
): void {
  // One read of the checkpoints serves the three per-projection gauges of a scrape.
  let last: { at: number; figures: Promise<ProjectionFigures[] | null> } | null = null;
  const figures = () => {
    if (!last || Date.now() - last.at > SAME_SCRAPE_MS) {
      last = {
        at: Date.now(),
        figures: within(
          readProjectionFigures(pool, store, projections),
          POSTGRES_TIMEOUT_MS,
          'PostgreSQL (projection figures)',
        ).catch((err: unknown) => {
          logger.warn({ err }, 'metrics: projection figures not read');
          return null;
        }),
      };
    }
    return last.figures;
  };

  new Gauge({
    name: 'flowdose_projection_lag_events',
    help: "How far a projection's checkpoint is behind the readable head of the log, in global positions",
    labelNames: ['projection'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const f of (await figures()) ?? []) this.set({ projection: f.name }, f.lagEvents);
    },
  });
  new Gauge({
    name: 'flowdose_projection_lag_seconds',
    help: 'Age of the oldest readable event a projection has not applied yet; 0 when caught up',
    labelNames: ['projection'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const f of (await figures()) ?? []) this.set({ projection: f.name }, f.lagSeconds);
    },
  });
  new Gauge({
    name: 'flowdose_projection_rebuild_progress',
    help: "A rebuild's progress, 0 to 1 (its shadow checkpoint against the head); present only while one runs",
    labelNames: ['projection'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const f of (await figures()) ?? []) {
        if (f.rebuildProgress !== null) this.set({ projection: f.name }, f.rebuildProgress);
      }
    },
  });
  new Gauge({
    name: 'flowdose_queue_jobs',
    help: "A BullMQ queue's jobs by state (waiting, active, failed, delayed)",
    labelNames: ['queue', 'state'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      if (redis.status !== 'ready') return;
      await Promise.all(
        [...queues].map(async ([name, queue]) => {
          const counts = await within(
            queue.getJobCounts('waiting', 'active', 'failed', 'delayed'),
            REDIS_TIMEOUT_MS,
            'Redis (queue counts)',
          ).catch(() => null);
          for (const [state, n] of Object.entries(counts ?? {})) this.set({ queue: name, state }, n);
        }),
      );
    },
  });
  new Gauge({
    name: 'flowdose_projection_dead_letters',
    help: 'Events a projection could not apply, quarantined until retried or skipped (0 when none)',
    labelNames: ['projection'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      const counts = await within(countQuarantined(pool), POSTGRES_TIMEOUT_MS, 'PostgreSQL (dead letters)').catch(
        () => null,
      );
      if (!counts) return;
      for (const p of projections) this.set({ projection: p.name }, counts.get(p.name) ?? 0);
    },
  });
  new Gauge({
    name: 'flowdose_global_log_held_back_seconds',
    help: 'Age of the oldest open transaction holding a transaction id (or prepared): readers of the log wait for it',
    registers: [registry],
    async collect() {
      this.reset();
      const seconds = await within(heldBackSeconds(pool), POSTGRES_TIMEOUT_MS, 'PostgreSQL (held-back log)').catch(
        () => null,
      );
      if (seconds !== null) this.set(seconds);
    },
  });
}

type ProjectionFigures = { name: string; lagEvents: number; lagSeconds: number; rebuildProgress: number | null };

/**
 * Three statements whatever the number of projections: the head, which schemas exist, and
 * every checkpoint with the age of the first event past it. The lag in events is the status
 * page's (the head's global position minus the checkpoint's); the lag in seconds is the age
 * of the first event past the checkpoint below the log's horizon, in the order a projection
 * reads. A rebuild's progress is its shadow checkpoint against the head, as on the status page.
 */
async function readProjectionFigures(
  pool: Pool,
  store: EventStore,
  projections: readonly Projection[],
): Promise<ProjectionFigures[]> {
  const head = (await store.head()) ?? START;
  const { rows: present } = await pool.query<{ nspname: string }>(
    'select nspname from pg_namespace where nspname = any($1)',
    [projections.flatMap((p) => [liveSchema(p.name), shadowSchema(p.name)])],
  );
  const exists = new Set(present.map((r) => r.nspname));
  // A projection whose schema is not created yet has no figures.
  const live = projections.filter((p) => exists.has(liveSchema(p.name)));
  if (live.length === 0) return [];
  const checkpoints = live.map(
    (p, i) =>
      `select $${i + 1}::text as name, c.major, c.minor, ${
        exists.has(shadowSchema(p.name)) ? `(select s.minor from ${shadowSchema(p.name)}.checkpoint s)` : 'null::bigint'
      } as shadow_minor from ${liveSchema(p.name)}.checkpoint c`,
  );
  const { rows } = await pool.query<{
    name: string;
    minor: bigint;
    shadow_minor: bigint | null;
    lag_seconds: number | null;
  }>(
    `select x.name, x.minor, x.shadow_minor,
       (select extract(epoch from now() - e.created_at)::float8 from events e
         where (e.transaction_id, e.global_position) > (x.major::text::xid8, x.minor)
           and e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())
         order by e.transaction_id, e.global_position limit 1) as lag_seconds
     from (${checkpoints.join(' union all ')}) x`,
    live.map((p) => p.name),
  );
  return rows.map((r) => ({
    name: r.name,
    lagEvents: Math.max(0, Number(head.minor - r.minor)),
    lagSeconds: Math.max(0, r.lag_seconds ?? 0),
    rebuildProgress:
      r.shadow_minor === null ? null : head.minor === 0n ? 1 : Math.min(1, Number(r.shadow_minor) / Number(head.minor)),
  }));
}

/**
 * The log is read only below pg_snapshot_xmin: the oldest transaction still running that
 * holds a transaction id (one that wrote, anywhere in the cluster) or a prepared one holds it
 * there. A read-only transaction takes no id and holds nothing back. Needs a role that sees
 * other sessions' transactions (superuser or pg_read_all_stats); without it, its own only.
 */
async function heldBackSeconds(pool: Pool): Promise<number> {
  const { rows } = await pool.query<{ seconds: number }>(
    `select coalesce(extract(epoch from now() - least(
       (select min(xact_start) from pg_stat_activity where backend_xid is not null),
       (select min(prepared) from pg_prepared_xacts)))::float8, 0) as seconds`,
  );
  return Math.max(0, rows[0]?.seconds ?? 0);
}
