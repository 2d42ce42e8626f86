import { createServer } from 'node:http';
import { loadConfig } from '@flowdose/shared/config';
import { positionToken, START } from '@flowdose/shared/event-store/position';
import { createLogger } from '@flowdose/shared/logger';
import { liveSchema, shadowSchema } from '@flowdose/shared/read-models';
import { connect } from './connect.ts';
import { startDispatcher } from './dispatcher.ts';
import { enqueueRange } from './queues.ts';
import { startRebuildWorker } from './rebuild-worker.ts';
import { projections } from './registry.ts';
import { createSchema, schemaState } from './schema.ts';
import { projectionStatus } from './status.ts';
import { startWorker } from './worker.ts';
import { transactionIdRefusal } from './xid-guard.ts';

const config = loadConfig();
const logger = createLogger('projections', config.LOG_LEVEL);
// `--only=worker` or `--only=dispatcher` splits the roles across processes or machines.
const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7);
const { pool, store, redis, queueRedis, queues, close } = connect(config, logger);

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
    logger.fatal(`projection ${p.name} is at an older version than this code: run "npm run migrate" (it rebuilds it)`);
    process.exit(1);
  }
  await createSchema(pool, p, liveSchema(p.name));
}

const dispatcher = only === 'worker' ? null : startDispatcher({ pool, store, queues, projections, logger });
const workers =
  only === 'dispatcher'
    ? []
    : projections.map((projection) =>
        startWorker({
          projection,
          pool,
          store,
          connection: queueRedis,
          prefix: config.QUEUE_PREFIX,
          lockMs: config.JOB_LOCK_MS,
          logger,
        }),
      );
const rebuilder =
  only === 'dispatcher'
    ? null
    : startRebuildWorker({ pool, store, queues, connection: queueRedis, prefix: config.QUEUE_PREFIX, logger });
// A job lost with a crashed process is recovered by BullMQ after its lock lapses; this
// also brings every projection to the head right away, even if no new event arrives.
if (workers.length > 0) {
  const head = (await store.head()) ?? START;
  await enqueueRange(queues, `startup.${process.pid}`, head);
  logger.info({ head: positionToken(head) }, 'projection workers started');
}

// /health answers what a probe needs (the database and Redis answer) without the full status
// (every checkpoint, the head, queue counts), which is for people and the ops routes.
const server = createServer(async (req, res) => {
  const reply = (status: number, body: object) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  if (req.url === '/health') {
    const [postgres, redisState] = await Promise.all([
      pool.query('select 1').then(
        () => 'ok',
        (e: Error) => e.message,
      ),
      redis.ping().then(
        () => 'ok',
        (e: Error) => e.message,
      ),
    ]);
    const ok = postgres === 'ok' && redisState === 'ok';
    return reply(ok ? 200 : 503, {
      status: ok ? 'ok' : 'degraded',
      service: 'projections',
      leader: dispatcher?.isLeader() ?? false,
      dependencies: { postgres, redis: redisState },
    });
  }
  const status = await projectionStatus(pool, store, projections, queues).catch((e: Error) => e);
  if (status instanceof Error) return reply(503, { error: status.message });
  reply(200, { projections: status });
});
server.listen(config.PROJECTIONS_PORT, () => logger.info(`projections status on :${config.PROJECTIONS_PORT}`));

const shutdown = async () => {
  logger.info('shutting down');
  server.close();
  await Promise.all([...workers, ...(rebuilder ? [rebuilder] : [])].map((w) => w.close()));
  await dispatcher?.stop();
  await close();
  process.exit(0);
};
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);
