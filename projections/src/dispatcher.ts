import type { Pool, PoolClient } from '@flowdose/shared/db';
import type { EventStore, Subscription } from '@flowdose/shared/event-store/port';
import { type Position, positionToken, START } from '@flowdose/shared/event-store/position';
import type { Logger } from '@flowdose/shared/logger';
import { liveSchema } from '@flowdose/shared/read-models';
import type { Projection } from './projection.ts';
import { enqueueRange, type ProjectionQueues } from './queues.ts';
import { skipRange } from './run-range.ts';

const DISPATCHER_ID = 'projections';
const LOCK_KEY = 'flowdose:dispatcher';

export type Dispatcher = { stop: () => Promise<void>; isLeader: () => boolean };

async function loadCheckpoint(pool: Pool): Promise<Position> {
  const { rows } = await pool.query<{ major: bigint; minor: bigint }>(
    'select major, minor from dispatcher_checkpoint where id = $1',
    [DISPATCHER_ID],
  );
  const row = rows[0];
  return row ? { major: row.major, minor: row.minor } : START;
}

/**
 * Turns the global log into per-projection range jobs. Only the holder of a session
 * advisory lock dispatches; others wait as standbys and take over when its connection dies.
 * Its checkpoint is saved after enqueueing: a crash in between enqueues a range again,
 * which the workers' own checkpoints make harmless. For the same reason a leader that loses
 * its lock connection only steps down and stands for election again: while it notices, a
 * second leader can at worst enqueue ranges twice.
 */
export function startDispatcher({
  pool,
  store,
  queues,
  logger,
  projections,
  batchSize = 1000,
  standbyRetryMs = 2000,
}: {
  pool: Pool;
  store: EventStore;
  queues: ProjectionQueues;
  projections: readonly Projection[];
  logger: Logger;
  batchSize?: number;
  standbyRetryMs?: number;
}): Dispatcher {
  let stopped = false;
  let leader = false;
  let subscription: Subscription | null = null;
  let retry: NodeJS.Timeout | null = null;
  let lockClient: PoolClient | null = null;

  const stepDown = async () => {
    leader = false;
    await subscription?.stop();
    subscription = null;
    // Destroyed, not returned to the pool: ending the session is what frees the lock.
    lockClient?.removeAllListeners('error');
    lockClient?.on('error', () => {});
    lockClient?.release(true);
    lockClient = null;
  };

  const standBy = () => {
    if (stopped) return;
    retry = setTimeout(() => void tryLead(), standbyRetryMs);
  };

  const tryLead = async () => {
    try {
      lockClient = await pool.connect();
      const client = lockClient;
      client.on('error', (err) => {
        logger.error({ err }, 'dispatcher lost its lock connection; standing down');
        void stepDown().then(standBy);
      });
      const { rows } = await client.query<{ ok: boolean }>(
        'select pg_try_advisory_lock(hashtextextended($1, 0)) as ok',
        [LOCK_KEY],
      );
      if (stopped || !rows[0]?.ok) {
        await stepDown();
        return standBy();
      }
      leader = true;
      let checkpoint = await loadCheckpoint(pool);
      logger.info({ checkpoint: positionToken(checkpoint) }, 'dispatcher leading');
      subscription = store.subscribe({
        after: checkpoint,
        batchSize,
        onEvents: async (events) => {
          const to = events[events.length - 1]!.position;
          // A projection with nothing to apply here and nothing pending just moves on: most
          // commands touch one projection, and a job for each of the others costs latency.
          const types = new Set(events.map((e) => e.type));
          const needJob = await Promise.all(
            projections.map(async (p) =>
              p.handles.some((t) => types.has(t)) || !(await skipRange(pool, liveSchema(p.name), checkpoint, to))
                ? [p.name]
                : [],
            ),
          );
          await enqueueRange(queues, positionToken(checkpoint), to, needJob.flat());
          await pool.query(
            `insert into dispatcher_checkpoint (id, major, minor) values ($1, $2, $3)
             on conflict (id) do update set major = excluded.major, minor = excluded.minor, updated_at = now()`,
            [DISPATCHER_ID, to.major, to.minor],
          );
          checkpoint = to;
        },
        onError: (err) => logger.error({ err }, 'dispatcher'),
      });
      if (stopped) await stepDown();
    } catch (err) {
      logger.error({ err }, 'dispatcher election');
      await stepDown();
      standBy();
    }
  };
  void tryLead();

  return {
    isLeader: () => leader,
    async stop() {
      stopped = true;
      if (retry) clearTimeout(retry);
      await stepDown();
    },
  };
}
