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
 *
 * Elections run one after another in a single loop, each on a connection of its own that it
 * always destroys when it ends: a reset seen both as a failed query and as the client's
 * 'error' event ends that one term once, and can never start a second, competing attempt
 * that would leave the lock held by a session nobody uses.
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
  // Wakes whatever the loop is waiting on (a standby pause, or leading) when stop() is called.
  let interrupt = () => {};

  const dispatch = (checkpoint: Position): Subscription => {
    let from = checkpoint;
    return store.subscribe({
      after: from,
      batchSize,
      onEvents: async (events) => {
        const to = events[events.length - 1]!.position;
        // A projection with nothing to apply here and nothing pending just moves on: most
        // commands touch one projection, and a job for each of the others costs latency.
        const types = new Set(events.map((e) => e.type));
        const needJob = await Promise.all(
          projections.map(async (p) =>
            p.handles.some((t) => types.has(t)) || !(await skipRange(pool, liveSchema(p.name), from, to))
              ? [p.name]
              : [],
          ),
        );
        await enqueueRange(queues, positionToken(from), to, needJob.flat());
        await pool.query(
          `insert into dispatcher_checkpoint (id, major, minor) values ($1, $2, $3)
           on conflict (id) do update set major = excluded.major, minor = excluded.minor, updated_at = now()`,
          [DISPATCHER_ID, to.major, to.minor],
        );
        from = to;
      },
      onError: (err) => logger.error({ err }, 'dispatcher'),
    });
  };

  /** One term: take the lock on a connection of its own and lead until that connection dies or stop(). */
  const term = async () => {
    const client: PoolClient = await pool.connect();
    let subscription: Subscription | null = null;
    try {
      const lost = new Promise<Error>((resolve) => client.on('error', resolve));
      const { rows } = await client.query<{ ok: boolean }>(
        'select pg_try_advisory_lock(hashtextextended($1, 0)) as ok',
        [LOCK_KEY],
      );
      if (stopped || !rows[0]?.ok) return;
      const checkpoint = await loadCheckpoint(pool);
      if (stopped) return;
      subscription = dispatch(checkpoint);
      leader = true;
      logger.info({ checkpoint: positionToken(checkpoint) }, 'dispatcher leading');
      const stopping = new Promise<null>((resolve) => {
        interrupt = () => resolve(null);
      });
      const lostWith = await Promise.race([lost, stopping]);
      if (lostWith) logger.error({ err: lostWith }, 'dispatcher lost its lock connection; standing down');
    } finally {
      leader = false;
      try {
        await subscription?.stop();
      } finally {
        // Destroyed, not returned to the pool: ending the session is what frees the lock.
        client.removeAllListeners('error');
        client.on('error', () => {});
        client.release(true);
      }
    }
  };

  const campaign = async () => {
    while (!stopped) {
      await term().catch((err) => logger.error({ err }, 'dispatcher election'));
      if (stopped) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, standbyRetryMs);
        interrupt = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  };
  const running = campaign();

  return {
    isLeader: () => leader,
    async stop() {
      stopped = true;
      interrupt();
      await running;
    },
  };
}
