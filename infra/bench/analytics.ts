// Analytics at scale: a shop's history of one million orders over two years written into the
// event log, the analytics read models built from it by the ops rebuild (events/s), then each
// analytics route asked for one year by day over real HTTP (p50/p99). The peer, measured in the
// same run on the same data: the same sales figures computed straight from the event log by
// SQL, which is what a shop without these read models would run.
// Aims (issue 14): the build at 50,000 events/s or better; every route's p99 under 100 ms.
// Usage: npm run bench:analytics [-- --orders=1000000 --days=730 --requests=100 --reuse]
//   --reuse keeps a history an earlier run wrote (same --orders) and only rebuilds and times.
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import { closeQueues, createQueues } from '@flowdose/projections/queues';
import { rebuild } from '@flowdose/projections/rebuild';
import { projections } from '@flowdose/projections/registry';
import { buildApp } from '@flowdose/query-api/app';
import { createChangeHub } from '@flowdose/query-api/changes';
import type { Deps } from '@flowdose/query-api/deps';
import { createPositionWaiter } from '@flowdose/query-api/min-position';
import { createSessions } from '@flowdose/shared/auth/sessions';
import { signAccessToken } from '@flowdose/shared/auth/tokens';
import { createBlobStore } from '@flowdose/shared/blob-store/create';
import { connectClients } from '@flowdose/shared/clients';
import { testConfig } from '@flowdose/shared/config';
import { createLogger } from '@flowdose/shared/logger';
import { createNotifications } from '@flowdose/shared/notifications';
import { SingleBar } from 'cli-progress';
import pg from 'pg';
import { migrateAll } from '../src/migrate.ts';
import { demoCatalog } from '../src/seed/demo-catalog.ts';
import { catalogRows, insertRows, shopHistory } from './shop-history.ts';
import { machine, percentile, writeResults } from './support.ts';

const arg = (name: string, fallback: number) =>
  Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
const ORDERS = arg('orders', 1_000_000);
const DAYS = arg('days', 730);
const REQUESTS = arg('requests', 100);
const REUSE = process.argv.includes('--reuse');
const DB = 'flowdose_bench_analytics';
const url = `postgres://postgres@127.0.0.1:5432/${DB}`;
// The read models an analyst queries, in the order they are built; the catalog first, for the
// product names and categories the products route joins.
const ANALYTICS = ['sales_daily', 'product_sales', 'funnel_daily', 'cart_abandonment', 'discount_usage'];
const START = new Date(Date.UTC(2024, 0, 1));
const YEAR = { from: '2025-01-01', to: '2025-12-31' };

const config = testConfig({ DATABASE_URL: url, QUEUE_PREFIX: `bench-analytics-${process.pid}` });
const logger = createLogger('bench', 'warn');
const bar = (format: string) =>
  new SingleBar({ format, hideCursor: true, noTTYOutput: true, notTTYSchedule: 5000, etaBuffer: 50 });

async function freshDatabase(): Promise<boolean> {
  const admin = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
  await admin.connect();
  try {
    if (REUSE) {
      const exists = await admin.query('select 1 from pg_database where datname = $1', [DB]);
      if (exists.rowCount) {
        const db = new pg.Client({ connectionString: url });
        await db.connect();
        const { rows } = await db.query<{ n: string }>("select count(*) as n from events where type = 'OrderPlaced'");
        await db.end();
        if (Number(rows[0]!.n) === ORDERS) return false;
        console.log(`--reuse: the database holds ${rows[0]!.n} orders, not ${ORDERS}: writing it anew`);
      }
    }
    await admin.query(`drop database if exists ${DB} with (force)`);
    await admin.query(`create database ${DB}`);
    return true;
  } finally {
    await admin.end();
  }
}

const write = await freshDatabase();
await migrateAll(url, () => {});
const clients = connectClients(config, logger, { max: 10, pipeline: true });
const { pool, store } = clients;

let generation: { events: number; seconds: number } | null = null;
if (write) {
  const catalog = demoCatalog(500);
  await insertRows(pool, catalogRows(catalog, new Date(START.getTime() - 86_400_000)));
  const progress = bar('writing the history  [{bar}] {value}/{total} orders  {eta_formatted} left');
  progress.start(ORDERS, 0);
  const started = performance.now();
  let events = 0;
  let done = 0;
  const batchOrders = 1000;
  // Two INSERTs in flight, on two connections: Postgres parses and indexes on both cores
  // while the next batch is generated.
  const inFlight = new Set<Promise<void>>();
  for (const rows of shopHistory({ orders: ORDERS, start: START, days: DAYS, catalog }, batchOrders)) {
    if (inFlight.size >= 2) await Promise.race(inFlight);
    events += rows.length;
    const insert: Promise<void> = insertRows(pool, rows).then(() => {
      inFlight.delete(insert);
      done = Math.min(ORDERS, done + batchOrders);
      progress.update(done);
    });
    inFlight.add(insert);
  }
  await Promise.all(inFlight);
  progress.stop();
  generation = { events, seconds: (performance.now() - started) / 1000 };
  console.log(`wrote ${events} events in ${generation.seconds.toFixed(0)} s`);
  await pool.query('analyze events');
}
const { rows: counted } = await pool.query<{ n: string }>('select count(*) as n from events');
const totalEvents = Number(counted[0]!.n);

// The models, built as `npm run ops -- rebuild <name>` builds them: a shadow schema filled in
// chunked transactions from the whole log, then swapped in.
const queues = createQueues(clients.queueRedis, config.QUEUE_PREFIX, projections);
const builds: {
  projection: string;
  applied: number;
  seconds: number;
  nodeCpuSeconds: number;
  eventsPerSecond: number;
}[] = [];
for (const name of ['catalog', ...ANALYTICS]) {
  const projection = projections.find((p) => p.name === name);
  if (!projection) {
    console.log(`${name}: not in this version's registry, skipped`);
    continue;
  }
  const progress = bar(`building ${name.padEnd(17)}[{bar}] {percentage}%  {eta_formatted} left`);
  progress.start(100, 0);
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const { applied } = await rebuild({
    pool,
    store,
    queues,
    projection,
    onProgress: ({ at, head }) => progress.update(Math.floor((Number(at.minor) / Number(head.minor || 1n)) * 100)),
  });
  progress.update(100);
  progress.stop();
  const seconds = (performance.now() - started) / 1000;
  // This process's CPU time (reading, parsing and folding the events; the rest is Postgres's):
  // next to the build's seconds it shows which side keeps the other waiting.
  const cpu = process.cpuUsage(cpuBefore);
  const nodeCpuSeconds = +((cpu.user + cpu.system) / 1e6).toFixed(1);
  const eventsPerSecond = Math.round(applied / seconds);
  builds.push({ projection: name, applied, seconds: +seconds.toFixed(1), nodeCpuSeconds, eventsPerSecond });
  console.log(
    `${name}: ${applied} events applied in ${seconds.toFixed(1)} s (Node CPU ${nodeCpuSeconds} s) = ${eventsPerSecond} events/s`,
  );
}
await closeQueues(queues);

// The query API as it runs, with its middleware, on the built models.
const notifications = createNotifications(url, () => {});
const deps: Deps = {
  config,
  logger,
  pool,
  redis: clients.redis,
  store,
  sessions: createSessions(pool, config),
  waitForPosition: createPositionWaiter(pool, notifications, config.MIN_POSITION_TIMEOUT_MS),
  blobs: createBlobStore(config),
  renditions: null,
  changes: createChangeHub({ url: config.REDIS_URL, prefix: config.QUEUE_PREFIX, logger }),
};
const server = buildApp(deps).listen(0, '127.0.0.1');
await new Promise((resolve) => server.once('listening', resolve));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const token = await signAccessToken(
  config.AUTH_JWT_SECRET,
  { userId: randomUUID(), role: 'analyst', sessionId: randomUUID() },
  3600,
);

async function timeGet(path: string): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(base + path, { headers: { Authorization: `Bearer ${token}` } });
  const body = await res.text();
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${body}`);
  return performance.now() - t0;
}

type Timing = { label: string; runs: number; p50: number; p99: number; max: number };
async function measure(label: string, runs: number, once: () => Promise<number>): Promise<Timing> {
  for (let i = 0; i < Math.min(5, runs); i++) await once(); // JIT and caches warm
  const samples: number[] = [];
  const progress = bar(`${label.slice(0, 40).padEnd(40)} [{bar}] {value}/{total}`);
  progress.start(runs, 0);
  for (let i = 0; i < runs; i++) {
    samples.push(await once());
    progress.update(i + 1);
  }
  progress.stop();
  const sorted = samples.sort((a, b) => a - b);
  const round = (x: number) => +x.toFixed(1);
  const t = {
    label,
    runs,
    p50: round(percentile(sorted, 50)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted.at(-1)!),
  };
  console.log(`${label.padEnd(72)} p50 ${t.p50} ms  p99 ${t.p99} ms`);
  return t;
}

const year = `from=${YEAR.from}&to=${YEAR.to}`;
const routes = [
  `/admin/analytics/sales?${year}&granularity=day`,
  `/admin/analytics/sales?${year}&granularity=day&currency=EUR`,
  `/admin/analytics/products?${year}&currency=EUR`,
  `/admin/analytics/products?${year}&currency=EUR&by=category`,
  `/admin/analytics/funnel?${year}&granularity=day`,
  `/admin/analytics/abandonment?${year}&granularity=day`,
  `/admin/analytics/discounts?${year}&granularity=day`,
];
const MODEL_OF: Record<string, string> = {
  sales: 'sales_daily',
  products: 'product_sales',
  funnel: 'funnel_daily',
  abandonment: 'cart_abandonment',
  discounts: 'discount_usage',
};
const timings: Timing[] = [];
try {
  for (const path of routes) {
    const model = MODEL_OF[path.split('?')[0]!.split('/').at(-1)!]!;
    if (!builds.some((b) => b.projection === model)) {
      console.log(`${path}: ${model} is not in this version, skipped`);
      continue;
    }
    timings.push(await measure(`GET ${path}`, REQUESTS, () => timeGet(path)));
  }
  // The peer: sales per day for the year straight from the log, as a shop without read models would.
  const peer = await measure('peer: sales per day for the year by SQL over the event log', 5, async () => {
    const t0 = performance.now();
    await pool.query(
      `select (created_at at time zone 'UTC')::date as day, data->>'currency' as currency, count(*) as orders,
         sum((data->'totals'->>'grandTotal')::int8) as gross
       from events where type = 'OrderPlaced' and created_at >= $1 and created_at < $2
       group by 1, 2 order by 1, 2`,
      [`${YEAR.from}T00:00:00Z`, '2026-01-01T00:00:00Z'],
    );
    return performance.now() - t0;
  });
  timings.push(peer);
} finally {
  server.close();
  await notifications.close();
  deps.changes.close();
  await clients.close();
}

const load = loadavg()[0]!.toFixed(2);
const m = machine();
const built = builds.filter((b) => b.projection !== 'catalog');
const data = { machine: m, orders: ORDERS, days: DAYS, totalEvents, generation, builds, timings, loadAverage: load };
const markdown = [
  `# Analytics: ${ORDERS.toLocaleString('en')} orders over ${DAYS} days (${m.date}, commit ${m.commit}, ${m.cores} cores, Node ${m.node})`,
  '',
  `The history (${totalEvents.toLocaleString('en')} events: carts, checkouts, orders, captures, refunds, cancels, discount uses and abandoned carts; see \`infra/bench/shop-history.ts\`) is written straight into the event log${generation ? ` (${Math.round(generation.events / generation.seconds).toLocaleString('en')} events/s)` : ''}. Each model is built by the ops rebuild from the whole log into a shadow schema and swapped in; events/s counts the events it applied (its own types; the rest of the log is skipped by the read); Node CPU s is the CPU time the bench's own process spent during the build (reading, parsing and folding: the rest of the work is Postgres's, on the same two cores). Then each route is asked for ${YEAR.from}..${YEAR.to} ${REQUESTS} times, one at a time, over HTTP on loopback through the query API's middleware. Aims: build ≥ 50,000 events/s, every route's p99 < 100 ms. Load average at the end: ${load}.`,
  '',
  '| model | events applied | seconds | Node CPU s | events/s |',
  '|---|---|---|---|---|',
  ...builds.map(
    (b) =>
      `| ${b.projection} | ${b.applied.toLocaleString('en')} | ${b.seconds} | ${b.nodeCpuSeconds} | ${b.eventsPerSecond.toLocaleString('en')} |`,
  ),
  '',
  '| request (one year by day) | runs | p50 / p99 / max ms |',
  '|---|---|---|',
  ...timings.map((t) => `| ${t.label} | ${t.runs} | ${t.p50} / ${t.p99} / ${t.max} |`),
  '',
  `Analytics models built: ${built.map((b) => b.projection).join(', ')}.`,
].join('\n');
writeResults('analytics', data, markdown);
