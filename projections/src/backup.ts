import { spawn } from 'node:child_process';
import { rename, rm, stat } from 'node:fs/promises';
import type { PublishChange } from '@flowdose/shared/change-feed';
import { childEnvironment } from '@flowdose/shared/config';
import { type Pool, withClient } from '@flowdose/shared/db';
import type { EventStore } from '@flowdose/shared/event-store/port';
import { ensureDatabase, migrate } from '@flowdose/shared/migrate';
import { ANALYTICS_READER_ROLE, ANALYTICS_SCHEMA, liveSchema } from '@flowdose/shared/read-models';
import { MultiBar, Presets } from 'cli-progress';
import type { Projection } from './projection.ts';
import type { ProjectionQueues } from './queues.ts';
import { type RebuildProgress, rebuild } from './rebuild.ts';
import { createSchema } from './schema.ts';
import { transactionIdRefusal } from './xid-guard.ts';

/**
 * What a backup leaves out: every read-model schema (`rm_<name>`, with any shadow or retired
 * one) and the analysts' views over them in `analytics`, all rebuilt from the log. Everything
 * else is a source of truth no event can give back and goes in: the event log, credentials,
 * sessions, idempotency records, catalog claims, open processes, the dispatcher's checkpoint,
 * the test payment provider's books, the search functions and the migration history (so a
 * restore migrates only what came after). The `analytics` schema itself goes in, for its
 * grants; the rebuild makes its views again.
 */
const LEFT_OUT = [`--exclude-schema=${liveSchema('*')}`, `--exclude-table=${ANALYTICS_SCHEMA}.*`];

/**
 * A restored log's transaction ids may be ahead of this server's counter (see xid-guard.ts).
 * Up to this many are made up for by committing empty transactions: measured 40,000 a second
 * and 43 bytes of WAL each on a 2-core machine, so at most about a minute and 90 MB. Beyond,
 * or across an epoch, pg_resetwal with the cluster stopped is quicker and the operator runs it.
 */
export const MAX_XID_ADVANCE = 2_000_000n;
const XID_BATCH = 100_000n;

/**
 * The pg tools take the URL without its password, which goes in their environment instead:
 * arguments are visible to every user of the machine in `ps`.
 */
function pgTool(tool: 'pg_dump' | 'pg_restore', databaseUrl: string, args: string[]): Promise<void> {
  const url = new URL(databaseUrl);
  const password = decodeURIComponent(url.password);
  url.password = '';
  const env = childEnvironment(password ? { PGPASSWORD: password } : {});
  return new Promise((resolve, reject) => {
    const child = spawn(tool, [...args, `--dbname=${url}`], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', (error) =>
      reject(new Error(`${tool} could not run (${error.message}): install the PostgreSQL client tools`)),
    );
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`${tool} failed (exit ${code}): ${stderr.trim()}`)),
    );
  });
}

/**
 * Dumps the sources of truth (LEFT_OUT says what is not) in pg_dump's custom format. pg_dump
 * reads everything in one repeatable-read snapshot, so the log, the checkpoints and the
 * credentials agree with each other whatever the shop does meanwhile, and it takes no lock
 * that stops appends. Written beside `file` and renamed at the end: a dump that fails half-way
 * never looks like a backup.
 */
export async function backup(databaseUrl: string, file: string): Promise<{ bytes: number }> {
  const partial = `${file}.partial`;
  try {
    await pgTool('pg_dump', databaseUrl, ['--format=custom', `--file=${partial}`, ...LEFT_OUT]);
    await rename(partial, file);
  } finally {
    await rm(partial, { force: true });
  }
  return { bytes: (await stat(file)).size };
}

/** Why the database cannot take a restore, or null when it is empty. */
async function notEmpty(pool: Pool): Promise<string | null> {
  const { rows: relations } = await pool.query<{ name: string }>(
    `select format('%I.%I', n.nspname, c.relname) as name
     from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where n.nspname not in ('pg_catalog', 'information_schema') and n.nspname !~ '^pg_(toast|temp)'
     order by 1 limit 5`,
  );
  if (relations.length === 0) return null;
  const { rows } = await pool.query<{ has: boolean }>("select to_regclass('public.events') is not null as has");
  const hasLog = rows[0]?.has ?? false;
  const events = hasLog ? (await pool.query<{ n: bigint }>('select count(*) as n from events')).rows[0]!.n : 0n;
  if (events > 0n) return `this database holds ${events} events: a restore goes only into an empty database`;
  return `this database is not empty (${relations.map((r) => r.name).join(', ')}, …): a restore goes only into a newly created one`;
}

/** The cluster-wide role the dump's grants name; roles are not in a database's dump. */
async function ensureReaderRole(pool: Pool): Promise<void> {
  await pool.query(`do $$ begin
    if not exists (select from pg_roles where rolname = '${ANALYTICS_READER_ROLE}') then
      create role ${ANALYTICS_READER_ROLE} nologin;
    end if;
  exception when duplicate_object or unique_violation then null;
  end $$`);
}

const serverNext = async (pool: Pool) =>
  BigInt(
    (await pool.query<{ next: string }>('select pg_snapshot_xmax(pg_current_snapshot())::text as next')).rows[0]!.next,
  );

/**
 * Commits empty transactions, one transaction id each, until the server's next id is past
 * `target`. Safe: it is what any busy cluster does, only faster; the ids go by for every
 * database of the cluster, as they would with that much traffic. Asynchronous commits, as
 * nothing is written that a crash could lose.
 */
export async function advanceTransactionIds(pool: Pool, target: bigint, onBatch: (left: bigint) => void = () => {}) {
  await withClient(pool, async (client) => {
    await client.query('set synchronous_commit = off');
    try {
      for (;;) {
        const left = target + 1n - (await serverNext(pool));
        if (left <= 0n) return;
        onBatch(left);
        const batch = left < XID_BATCH ? left : XID_BATCH;
        // A DO block may commit between statements when it is not inside a transaction block.
        await client.query(`do $$ begin
          for i in 1..${batch} loop perform pg_current_xact_id(); commit; end loop;
        end $$`);
      }
    } finally {
      await client.query('reset synchronous_commit');
    }
  });
}

export type RestoreProgress =
  | { step: 'restore' | 'migrate' | 'analyze' }
  | { step: 'advance-xids'; left: bigint }
  | { step: 'rebuild'; projection: string; progress: RebuildProgress };

/**
 * Restores a backup into an empty database (created when missing) and rebuilds every read
 * model from the restored log. In order: refuse a database that is not empty; pg_restore in
 * one transaction (all or nothing), objects owned by the restoring role; the migrations that
 * came after the backup; planner statistics for the restored log; the transaction-id guard;
 * then each read model, built in its shadow schema and swapped in (rebuild.ts).
 *
 * The guard: the log's positions begin with the transaction ids of the cluster it came from.
 * When those are ahead of this server's counter, new events would sort before the restored
 * ones and never reach the projections. A short way behind is made up here (advanceTransactionIds);
 * further, the restore stops before the read models with the guard's message, which says how
 * to move the counter with pg_resetwal, and which rebuilds to run after.
 */
export async function restore({
  databaseUrl,
  file,
  pool,
  store,
  queues,
  projections,
  publishChange,
  onProgress = () => {},
  log = () => {},
}: {
  databaseUrl: string;
  file: string;
  pool: Pool;
  store: EventStore;
  queues: ProjectionQueues;
  projections: readonly Projection[];
  publishChange?: PublishChange;
  onProgress?: (progress: RestoreProgress) => void;
  log?: (message: string) => void;
}): Promise<{ events: number; advancedXids: bigint; applied: Record<string, number> }> {
  await stat(file); // a missing file says so before anything is touched
  await ensureDatabase(databaseUrl);
  const refusal = await notEmpty(pool);
  if (refusal) throw new Error(`refusing to restore: ${refusal}`);
  await ensureReaderRole(pool);

  onProgress({ step: 'restore' });
  await pgTool('pg_restore', databaseUrl, ['--single-transaction', '--exit-on-error', '--no-owner', file]);
  onProgress({ step: 'migrate' });
  await migrate(databaseUrl, log);
  // pg_restore leaves the tables without statistics: the rebuilds' reads would be planned blind.
  onProgress({ step: 'analyze' });
  await pool.query('analyze');
  const events = Number((await pool.query<{ n: bigint }>('select count(*) as n from events')).rows[0]!.n);

  let advancedXids = 0n;
  const schemas = projections.map((p) => liveSchema(p.name));
  const { rows } = await pool.query<{ max: string | null }>(
    `select greatest((select max(transaction_id)::text::numeric from events),
                     (select max(major) from dispatcher_checkpoint))::text as max`,
  );
  const highest = rows[0]?.max ? BigInt(rows[0].max) : null;
  const next = await serverNext(pool);
  if (highest !== null && highest >= next && highest - next < MAX_XID_ADVANCE) {
    log(`the restored log's transaction ids run to ${highest}, this server's next is ${next}: advancing it`);
    await advanceTransactionIds(pool, highest, (left) => onProgress({ step: 'advance-xids', left }));
    advancedXids = (await serverNext(pool)) - next;
  }
  const stop = await transactionIdRefusal(pool, schemas);
  if (stop) {
    const rebuilds = projections.map((p) => p.name).join(' ');
    throw new Error(
      `restored ${events} events, but built no read model: ${stop} ` +
        '(Before starting the projections, build the read models: npm run migrate, then ' +
        `for p in ${rebuilds}; do npm run ops -- rebuild $p; done)`,
    );
  }

  const applied: Record<string, number> = {};
  for (const projection of projections) {
    // An empty live schema first: rebuild's swap expects one to retire (it reads the live
    // checkpoint inside its transaction, where a missing schema aborts the transaction).
    await createSchema(pool, projection, liveSchema(projection.name));
    const built = await rebuild({
      pool,
      store,
      queues,
      projection,
      ...(publishChange ? { publishChange } : {}),
      onProgress: (progress) => onProgress({ step: 'rebuild', projection: projection.name, progress }),
    });
    applied[projection.name] = built.applied;
  }
  return { events, advancedXids, applied };
}

/**
 * The restore's progress on a terminal: a line per step, then one bar per read model as
 * `npm run ops -- rebuild` shows it.
 */
export function restoreProgressBars(): { onProgress: (progress: RestoreProgress) => void; stop: () => void } {
  const bars = new MultiBar(
    { format: '{name} [{bar}] {percentage}% | {value}/{total} events | {phase}', hideCursor: true },
    Presets.shades_classic,
  );
  const started = new Map<string, ReturnType<MultiBar['create']>>();
  const steps = {
    restore: 'restoring the dump (one transaction)',
    migrate: 'applying the migrations newer than the dump',
    analyze: 'gathering planner statistics',
  };
  return {
    onProgress(progress) {
      // Every step but the rebuilds comes before the first bar, so plain lines do.
      if (progress.step === 'advance-xids')
        console.log(`advancing the server's transaction ids past the log's: ${progress.left} to go`);
      else if (progress.step !== 'rebuild') console.log(steps[progress.step]);
      else {
        const { projection, progress: p } = progress;
        const total = Math.max(Number(p.head.minor), 1);
        // The name goes with every update: off a terminal, a bar is drawn once, at the end,
        // with the last update's fields.
        const fields = { name: projection.padEnd(16), phase: p.phase };
        let bar = started.get(projection);
        if (!bar) {
          bar = bars.create(total, 0, fields);
          started.set(projection, bar);
        }
        bar.setTotal(total);
        bar.update(Math.min(Number(p.at.minor), total), fields);
      }
    },
    stop: () => bars.stop(),
  };
}
