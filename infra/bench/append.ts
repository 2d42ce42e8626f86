// Append throughput of Flowdose's Postgres event store (full path: each event checked by its
// stream's schema, the expected-version check, idempotent event ids, the notification) beside
// the same store with the check turned off, the raw-INSERT ceiling pgbench reaches on a table
// of the same shape, and Emmett's store when its peer harness is present
// (../shared/peers/emmett), all in the same run. The check's own CPU time is measured apart, on
// one core with no database, since the throughput figures on a shared 2-core machine move by
// more than it costs. Usage: npm run bench:append [-- --seconds=8 --no-peers]
import { execFileSync, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPool } from '@flowdose/shared/db';
import type { NewEvent } from '@flowdose/shared/event-store/port';
import { createPostgresEventStore } from '@flowdose/shared/event-store/postgres/store';
import { checkAppend } from '@flowdose/shared/event-store/stream-schemas';
import { ensureDatabase, migrate } from '@flowdose/shared/migrate';
import { testMetadata } from '@flowdose/testing/events';
import pg from 'pg';
import { machine, mib, timed, writeResults } from './support.ts';

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const seconds = Number(arg('seconds') ?? 8);
const withPeers = !process.argv.includes('--no-peers');
const ADMIN = 'postgres://postgres@127.0.0.1:5432/postgres';
const DB = 'flowdose_bench_append';
const url = `postgres://postgres@127.0.0.1:5432/${DB}`;
const cases = [
  { writers: 1, batch: 1 },
  { writers: 1, batch: 10 },
  { writers: 16, batch: 1 },
  { writers: 16, batch: 10 },
];

async function freshDatabase() {
  const admin = new pg.Client({ connectionString: ADMIN });
  await admin.connect();
  await admin.query(`drop database if exists ${DB} with (force)`);
  await admin.end();
  await ensureDatabase(url);
  await migrate(url);
}

const data = (i: number) => ({
  cartId: randomUUID(),
  lineId: randomUUID(),
  sku: 'TSHIRT-RED-M',
  quantity: 2,
  unitPrice: { amount: 1999, currency: 'EUR' },
  i,
});

const batchOf = (batch: number): NewEvent[] =>
  Array.from({ length: batch }, (_, i) => ({
    id: randomUUID(),
    type: 'CartItemAdded',
    data: data(i),
    metadata: testMetadata,
  }));

async function flowdose(writers: number, batch: number, checkEvents: boolean) {
  const pool = createPool(url, { max: writers + 2 });
  const store = createPostgresEventStore({ pool, connectionString: url, checkEvents });
  let events = 0;
  const rss: number[] = [];
  const label = `flowdose${checkEvents ? '' : ' unchecked'} ${writers}w × ${batch}ev`;
  const elapsed = await timed(label, seconds, async (deadline) => {
    const started = Date.now();
    const sampler = setInterval(() => rss.push(process.memoryUsage().rss), 500);
    await Promise.all(
      Array.from({ length: writers }, async () => {
        while (Date.now() < deadline) {
          // A new stream each time, expected 'no_stream': the concurrency check runs for real.
          await store.append(`cart-${randomUUID()}`, batchOf(batch), 'no_stream');
          events += batch;
        }
      }),
    );
    clearInterval(sampler);
    return (Date.now() - started) / 1000;
  });
  await store.close();
  await pool.end();
  return {
    eventsPerSecond: Math.round(events / elapsed),
    peakRssMiB: mib(Math.max(...rss, process.memoryUsage().rss)),
  };
}

// pgbench INSERTs straight into a table shaped like `events`: no function, no lock, no check.
function pgbenchCeiling(writers: number, batch: number) {
  const script = join(mkdtempSync(join(tmpdir(), 'pgbench-')), 'append.sql');
  writeFileSync(
    script,
    `insert into raw_events (stream_id, stream_position, event_id, type, data, metadata)
     select s.id, g, gen_random_uuid(), 'CartItemAdded',
       '{"sku":"TSHIRT-RED-M","quantity":2,"unitPrice":{"amount":1999,"currency":"EUR"}}', '{"correlationId":"bench"}'
     from (select 's-' || gen_random_uuid() as id) s, generate_series(1, ${batch}) g;\n`,
  );
  const out = execFileSync(
    'pgbench',
    [
      '-h',
      '127.0.0.1',
      '-U',
      'postgres',
      '-n',
      '-c',
      String(writers),
      '-j',
      String(Math.min(writers, 2)),
      '-T',
      String(seconds),
      '-f',
      script,
      DB,
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  ).toString();
  const tps = Number(/tps = ([\d.]+)/.exec(out)?.[1] ?? Number.NaN);
  return Math.round(tps * batch);
}

function emmettPeer(): Map<string, number> | null {
  const peer = fileURLToPath(new URL('../../../shared/peers/emmett', import.meta.url));
  if (!withPeers || !existsSync(`${peer}/bench.mjs`)) return null;
  const dir = join(tmpdir(), 'flowdose-peer-emmett');
  if (!existsSync(`${dir}/node_modules`)) {
    cpSync(peer, dir, { recursive: true });
    console.log('installing the Emmett peer from the npm registry (once)…');
    spawnSync('npm', ['install', '--no-audit', '--no-fund'], { cwd: dir, stdio: 'inherit' });
  }
  console.log(`running the Emmett peer (${seconds} s per case)…`);
  const run = spawnSync('node', ['bench.mjs', String(seconds)], { cwd: dir, encoding: 'utf8' });
  const figures = new Map<string, number>();
  for (const m of run.stdout.matchAll(/emmett (\d+) writer\(s\), (\d+) event\(s\)\/append: (\d+) ev\/s/g)) {
    figures.set(`${m[1]}x${m[2]}`, Number(m[3]));
  }
  return figures;
}

await freshDatabase();
{
  const pool = createPool(url);
  // Every key and index the log has (the global order, by type, by correlation): the ceiling
  // pays for the same index upkeep as the store.
  await pool.query('create table raw_events (like events including all)');
  await pool.end();
}

/** The schema check alone: microseconds of one core per event, in batches of `batch`. */
function checkCost(batch: number) {
  const streamId = `cart-${randomUUID()}`;
  const batches = Array.from({ length: 1000 }, () => batchOf(batch));
  for (const events of batches.slice(0, 100)) checkAppend(streamId, events); // warm-up
  let runs = 0;
  const started = process.hrtime.bigint();
  while (process.hrtime.bigint() - started < 2_000_000_000n) checkAppend(streamId, batches[runs++ % batches.length]!);
  return Number(process.hrtime.bigint() - started) / 1000 / (runs * batch);
}

const rows = [];
for (const { writers, batch } of cases) {
  // Checked and unchecked one after the other, so the machine's other load falls on both alike.
  const ours = await flowdose(writers, batch, true);
  const unchecked = await flowdose(writers, batch, false);
  const ceiling = await timed(`pgbench ceiling ${writers}w × ${batch}ev`, seconds, async () =>
    pgbenchCeiling(writers, batch),
  );
  rows.push({
    writers,
    batch,
    ...ours,
    uncheckedEventsPerSecond: unchecked.eventsPerSecond,
    ceiling,
    ratio: ours.eventsPerSecond / ceiling,
  });
}
const checkMicroseconds = { batch1: checkCost(1), batch10: checkCost(10) };
const peer = emmettPeer();

const table = [
  '| writers | events/append | Flowdose ev/s | unchecked ev/s (same run) | pgbench raw INSERT ev/s | Flowdose / ceiling | Emmett ev/s (same run) | peak RSS MiB |',
  '|---|---|---|---|---|---|---|---|',
  ...rows.map(
    (r) =>
      `| ${r.writers} | ${r.batch} | ${r.eventsPerSecond.toLocaleString('en')} | ${r.uncheckedEventsPerSecond.toLocaleString('en')} | ${r.ceiling.toLocaleString('en')} | ${Math.round(r.ratio * 100)} % | ${peer?.get(`${r.writers}x${r.batch}`)?.toLocaleString('en') ?? 'not run'} | ${r.peakRssMiB} |`,
  ),
].join('\n');
const checkLine = `The schema check alone (one core, no database): ${checkMicroseconds.batch1.toFixed(1)} µs per event appended one at a time, ${checkMicroseconds.batch10.toFixed(1)} µs per event in batches of 10.`;
console.log(`\n${table}\n\n${checkLine}`);
const m = machine();
writeResults(
  'append',
  {
    ...m,
    seconds,
    checkMicroseconds,
    cases: rows.map((r) => ({ ...r, emmett: peer?.get(`${r.writers}x${r.batch}`) ?? null })),
  },
  `# Append throughput (${m.date}, commit ${m.commit}, ${m.cores} cores, Node ${m.node}, ${seconds} s per case)\n\nEach append opens a new stream with expected version 'no_stream'. Aim: the full path at half the raw-INSERT ceiling or better. "Unchecked" is the same store with its schema check off (\`checkEvents: false\`, for tests only), run right after the checked one.\n\n${table}\n\n${checkLine}`,
);
