import '@flowdose/shared/tracing';
import { createServer } from 'node:http';
import { createBlobStore } from '@flowdose/shared/blob-store/create';
import { changePublisher } from '@flowdose/shared/change-feed';
import { loadConfig } from '@flowdose/shared/config';
import { comparePositions, positionToken, START } from '@flowdose/shared/event-store/position';
import { createMetrics } from '@flowdose/shared/http/metrics';
import { createLogger } from '@flowdose/shared/logger';
import { metricsPort, serveMetrics } from '@flowdose/shared/metrics/serve';
import { probe } from '@flowdose/shared/probe';
import { liveSchema, REBUILD_QUEUE, readCheckpoint, shadowSchema } from '@flowdose/shared/read-models';
import { gracefulShutdown } from '@flowdose/shared/shutdown';
import { Queue, type Worker } from 'bullmq';
import { connect } from './connect.ts';
import { type Dispatcher, startDispatcher } from './dispatcher.ts';
import { projectionGauges, projectionMetrics, watchWorker } from './metrics.ts';
import { enqueueRange, queueName, quiet } from './queues.ts';
import { startRebuildWorker } from './rebuild-worker.ts';
import { projectionsFor } from './registry.ts';
import { createRenditionsQueue, RENDITIONS_QUEUE, startRenditionsWorker } from './renditions.ts';
import { createSchema, schemaState } from './schema.ts';
import { projectionStatus } from './status.ts';
import { startWorker } from './worker.ts';
import { transactionIdRefusal } from './xid-guard.ts';

const config = loadConfig();
const logger = createLogger('projections', config.LOG_LEVEL, config);
// `--only=worker` or `--only=dispatcher` splits the roles across processes or machines.
const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7);
const metrics = createMetrics('projections');
const { pool, store, redis, queueRedis, queues, close } = connect(config, logger, metrics);
const publishChange = changePublisher(redis, config.QUEUE_PREFIX, logger);
// Where uploaded images are: the renditions worker reads their originals and writes beside them.
const blobs = createBlobStore(config);
// SEARCH_BACKEND decides where the search projection's documents go.
const projections = projectionsFor(config);

// The figures, on the metrics port (METRICS_PORT, 9103), apart from the status server: what the
// workers count as they go, and what is read from Postgres and Redis when Prometheus scrapes.
const projectionCounters = projectionMetrics(metrics);
// Only watched here (their workers run in this process): the rebuilds' and the renditions' queues.
const rebuildQueue = quiet(new Queue(REBUILD_QUEUE, { connection: queueRedis, prefix: config.QUEUE_PREFIX }));
const renditionsQueue = createRenditionsQueue(queueRedis, config.QUEUE_PREFIX);
projectionGauges(metrics, {
  pool,
  store,
  projections,
  queues: new Map<string, Queue>([
    ...[...queues].map(([name, queue]) => [queueName(name), queue] as const),
    [REBUILD_QUEUE, rebuildQueue],
    [RENDITIONS_QUEUE, renditionsQueue],
  ]),
  redis: queueRedis,
  logger,
});
const metricsServer = serveMetrics(metrics, {
  host: config.METRICS_HOST,
  port: metricsPort(config, 'projections'),
  logger,
});

// This process's own parts, not caches: set once by the start below (one dispatcher, the
// configured number of workers), read by the status server and the shutdown.
let dispatcher: Dispatcher | null = null;
let workers: Worker[] = [];
/** Set once the schemas are checked, the workers run and the log's head is enqueued. */
let started = false;

// Listening from the start, so /health answers while the service starts (or waits for
// Redis). /health: the process is alive, nothing asked. /ready: started, and Postgres and
// Redis answer. Any other path: the full status (every checkpoint, the head, queue counts),
// for people and the ops routes.
const server = createServer(async (req, res) => {
  const reply = (status: number, body: object) => {
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(JSON.stringify(body));
  };
  const leader = dispatcher?.isLeader() ?? false;
  if (req.url === '/health') return reply(200, { status: 'ok', service: 'projections', leader });
  if (req.url === '/ready') {
    const [postgres, redisState] = await Promise.all([
      probe(async () => void (await pool.query('select 1'))),
      probe(async () => void (await redis.ping())),
    ]);
    const ok = started && postgres === 'ok' && redisState === 'ok';
    return reply(ok ? 200 : 503, {
      status: ok ? 'ok' : 'unavailable',
      service: 'projections',
      started,
      leader,
      dependencies: { postgres, redis: redisState },
    });
  }
  const status = await projectionStatus(pool, store, projections, queues).catch((e: Error) => e);
  if (status instanceof Error) return reply(503, { error: status.message });
  reply(200, { projections: status });
});
server.on('error', (err) => {
  // The port taken: exit, so the supervisor starts the process again.
  logger.fatal({ err }, `cannot listen on :${config.PROJECTIONS_PORT}`);
  process.exit(1);
});
server.listen(config.PROJECTIONS_PORT, () => logger.info(`projections status on :${config.PROJECTIONS_PORT}`));

const shutdown = gracefulShutdown({
  logger,
  server,
  async steps() {
    // No new ranges first; then each worker finishes the job it holds (close waits for it).
    clearInterval(nudging);
    await dispatcher?.stop();
    await Promise.all(workers.map((w) => w.close()));
    await blobs.close();
    await Promise.all([rebuildQueue.close(), renditionsQueue.close()]);
    await close();
    await (await metricsServer).close();
  },
});

async function start() {
  // Positions are transaction ids: on a restored or moved database whose server counts from
  // below them, new events would sort before every checkpoint and never be dispatched.
  const refusal = await transactionIdRefusal(
    pool,
    projections.flatMap((p) => [liveSchema(p.name), shadowSchema(p.name)]),
  );
  if (refusal) {
    logger.fatal(refusal);
    process.exit(1);
  }
  for (const p of projections) {
    // Old tables under new code would fail on every event: migrating rebuilds them first.
    if ((await schemaState(pool, p, liveSchema(p.name))) === 'stale') {
      logger.fatal(
        `projection ${p.name} is at an older version than this code: run "npm run migrate" (it rebuilds it)`,
      );
      process.exit(1);
    }
    await createSchema(pool, p, liveSchema(p.name));
  }

  if (shutdown.stopping) return;
  dispatcher = only === 'worker' ? null : startDispatcher({ pool, store, queues, projections, logger });
  workers =
    only === 'dispatcher'
      ? []
      : [
          ...projections.map((projection) => {
            const worker = startWorker({
              projection,
              pool,
              store,
              connection: queueRedis,
              prefix: config.QUEUE_PREFIX,
              lockMs: config.JOB_LOCK_MS,
              logger,
              publishChange,
            });
            watchWorker(projectionCounters, projection.name, worker);
            return worker;
          }),
          startRebuildWorker({
            pool,
            store,
            queues,
            projections,
            connection: queueRedis,
            prefix: config.QUEUE_PREFIX,
            logger,
            publishChange,
          }),
          // Uploaded images' renditions (BullMQ jobs the command API and the query API ask for).
          startRenditionsWorker({ blobs, connection: queueRedis, prefix: config.QUEUE_PREFIX, logger }),
        ];
  // A job lost with a crashed process is recovered by BullMQ after its lock lapses; this
  // also brings every projection to the head right away, even if no new event arrives.
  if (workers.length > 0) {
    const head = (await store.head()) ?? START;
    await enqueueRange(queues, `startup.${process.pid}`, head);
    logger.info({ head: positionToken(head) }, 'projection workers started');
    nudging = setInterval(() => void nudgeLagging(), NUDGE_EVERY_MS);
  }
  started = true;
}

// Range jobs live in Redis, which may lose them (a flush, a restart without persistence)
// after the dispatcher moved past them: with no new event to dispatch, a projection would
// stay behind. So now and then each projection behind the log's head gets a range to it;
// its checkpoint, in PostgreSQL, makes a range already applied do nothing.
const NUDGE_EVERY_MS = 10_000;
let nudging: NodeJS.Timeout | undefined; // the one timer, set at start and cleared at shutdown
async function nudgeLagging() {
  try {
    const head = await store.head();
    if (!head) return;
    const behind: string[] = [];
    for (const p of projections) {
      const at = await readCheckpoint(pool, liveSchema(p.name));
      if (at && comparePositions(at, head) < 0) behind.push(p.name);
    }
    if (behind.length > 0) await enqueueRange(queues, 'nudge', head, behind);
  } catch (err) {
    logger.warn({ err }, 'could not check the projections against the head; next time');
  }
}
// Postgres or Redis away at start fails it; the supervisor (npm start) tries again later.
start().catch((err) => {
  if (shutdown.stopping) return;
  logger.fatal({ err }, 'projections failed to start');
  process.exit(1);
});
