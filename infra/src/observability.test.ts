import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { projectionGauges, projectionMetrics } from '@flowdose/projections/metrics';
import { createPool } from '@flowdose/shared/db';
import type { EventStore } from '@flowdose/shared/event-store/port';
import { createMetrics } from '@flowdose/shared/http/metrics';
import { createLogger } from '@flowdose/shared/logger';
import { appendMetrics, redisMetrics } from '@flowdose/shared/metrics/clients';
import { instrumentHttp } from '@flowdose/shared/metrics/http';
import { poolMetrics } from '@flowdose/shared/metrics/pool';
import type { Redis } from '@flowdose/shared/redis';
import { describe, expect, it } from 'vitest';

const DIR = fileURLToPath(new URL('../observability/', import.meta.url));
const read = (file: string) => readFileSync(`${DIR}${file}`, 'utf8');

/**
 * Every name the services register, read off registries built with the same modules (no
 * scrape, so nothing is collected); plus those registered inside parts that need a running
 * stack to build (the query API's read cache and live streams), and the dead-letter gauge
 * the alerts watch.
 */
function exportedNames(): Set<string> {
  const registry = createMetrics('test');
  instrumentHttp(createServer(), registry, () => 'unmatched');
  appendMetrics(registry);
  redisMetrics(registry);
  const pool = createPool('postgres://127.0.0.1/none');
  poolMetrics(registry, pool);
  projectionMetrics(registry);
  projectionGauges(registry, {
    pool,
    store: {} as EventStore,
    projections: [],
    queues: new Map(),
    redis: {} as Redis,
    logger: createLogger('test', 'silent'),
  });
  void pool.end();
  const names = registry.getMetricsAsArray().map((m) => m.name);
  return new Set([...names, 'flowdose_read_cache_lookups_total', 'up']);
}

/** The series an expression names: metric names, less PromQL's functions and keywords. */
function seriesIn(expr: string): string[] {
  const withoutLabels = expr.replace(/\{[^}]*\}/g, '').replace(/"[^"]*"/g, '');
  return [...withoutLabels.matchAll(/\b((?:flowdose|http|process|nodejs)_\w+|up)\b(?!\s*\()/g)].map((m) =>
    m[1]!.replace(/_(bucket|count|sum)$/, ''),
  );
}

describe('the Grafana dashboard and the alert rules', () => {
  it('name only figures the services export', () => {
    const names = exportedNames();
    const dashboard = JSON.parse(read('grafana-dashboard.json')) as {
      panels: { type: string; title: string; targets?: { expr: string }[] }[];
    };
    const exprs = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));
    expect(exprs.length).toBeGreaterThan(15);
    const alerts = [...read('alerts.yml').matchAll(/expr: (?:\|\n((?: {10}.*\n)+)|(.*))/g)].map((m) => m[1] ?? m[2]!);
    expect(alerts).toHaveLength(6);
    for (const expr of [...exprs, ...alerts]) {
      for (const series of seriesIn(expr)) expect(names, `${series} in ${expr}`).toContain(series);
    }
  });

  // promtool comes with Debian's `prometheus` package; without it this check says so and skips.
  const promtool = spawnSync('promtool', ['--version']).status === 0;
  if (!promtool)
    console.log('promtool not installed (apt-get install prometheus): the alert rules are not unit-tested');
  it.skipIf(!promtool)('fire as their unit tests expect (promtool test rules)', () => {
    const out = execFileSync('promtool', ['test', 'rules', 'alerts.test.yml'], { cwd: DIR, encoding: 'utf8' });
    expect(out).toContain('SUCCESS');
  });
});
