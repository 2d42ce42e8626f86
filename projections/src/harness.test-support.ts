import { randomBytes, randomUUID } from 'node:crypto';
import { cartDecider } from '@flowdose/domain/cart/decider';
import { cartStream } from '@flowdose/domain/cart/events';
import { randomIds } from '@flowdose/domain/ids';
import { changePublisher } from '@flowdose/shared/change-feed';
import { createPool, type Pool } from '@flowdose/shared/db';
import type { EventStore, NewEvent, RecordedEvent } from '@flowdose/shared/event-store/port';
import { maxPosition, type Position, START } from '@flowdose/shared/event-store/position';
import { createPostgresEventStore } from '@flowdose/shared/event-store/postgres/store';
import { readableAt } from '@flowdose/shared/event-store/readable';
import { liveSchema } from '@flowdose/shared/read-models';
import { createRedis, createRequestRedis } from '@flowdose/shared/redis';
import { testMetadata } from '@flowdose/testing/events';
import { testLogger } from '@flowdose/testing/logs';
import { poolSize } from './connect.ts';
import { startDispatcher } from './dispatcher.ts';
import { closeQueues, createQueues } from './queues.ts';
import { projections } from './registry.ts';
import { createSchema } from './schema.ts';
import { startWorker } from './worker.ts';

const SKUS = ['TSHIRT-RED-M', 'MUG-WHITE', 'CAP-BLACK', 'HOODIE-GREY-L', 'SOCKS-3PACK'];

/**
 * Appends realistic cart histories through the real decider (opens, adds, merges, changes,
 * removes) and answers how many events, and the position by which all are readable.
 */
export async function appendCartHistories(
  store: EventStore,
  carts: number,
  seed = 1,
): Promise<{ events: number; head: Position; streams: string[] }> {
  let n = 0;
  const streams: string[] = [];
  let last: Position = START;
  let r = seed;
  const rand = (k: number) => {
    r = (r * 1103515245 + 12345) % 2147483648;
    return r % k;
  };
  await Promise.all(
    Array.from({ length: carts }, async () => {
      const cartId = randomUUID();
      streams.push(cartStream(cartId));
      let state = cartDecider.initialState();
      const events: NewEvent[] = [];
      const run = (command: Parameters<typeof cartDecider.decide>[0]) => {
        try {
          for (const e of cartDecider.decide(command, state)) {
            state = cartDecider.evolve(state, e);
            events.push({ id: randomIds.next(), type: e.type, data: e.data, metadata: testMetadata });
          }
        } catch {
          // a refused command (over a limit, say) simply appends nothing, as in production
        }
      };
      run({ type: 'OpenCart', data: { cartId, currency: 'EUR', customerId: rand(3) === 0 ? randomUUID() : null } });
      const lineIds: string[] = [];
      for (let i = 0; i < 6; i++) {
        const lineId = randomUUID();
        lineIds.push(lineId);
        const action = rand(4);
        if (action <= 1) {
          run({
            type: 'AddCartItem',
            data: {
              cartId,
              lineId,
              sku: SKUS[rand(SKUS.length)]!,
              quantity: 1 + rand(5),
              unitPrice: { amount: 1000 + rand(5000), currency: 'EUR' },
            },
          });
        } else if (action === 2 && state.status === 'open' && state.lines.size > 0) {
          const line = [...state.lines.keys()][rand(state.lines.size)]!;
          run({ type: 'ChangeCartItemQuantity', data: { cartId, lineId: line, quantity: 1 + rand(9) } });
        } else if (state.status === 'open' && state.lines.size > 0) {
          const line = [...state.lines.keys()][rand(state.lines.size)]!;
          run({ type: 'RemoveCartItem', data: { cartId, lineId: line } });
        }
      }
      if (rand(5) === 0) run({ type: 'CheckOutCart', data: { cartId, orderId: randomUUID() } });
      // Several appends per cart, so carts interleave in the global log.
      for (let i = 0; i < events.length; i += 2) {
        const { position } = await store.append(cartStream(cartId), events.slice(i, i + 2), BigInt(i));
        last = maxPosition(last, position);
      }
      n += events.length;
    }),
  );
  await readableAt(store, last);
  return { events: n, head: last, streams };
}

/** Everything a carts schema holds, in a stable order, for comparing two builds. */
export async function cartsSnapshot(pool: Pool, schema: string) {
  const carts = await pool.query(`select * from ${schema}.carts order by cart_id`);
  const lines = await pool.query(`select * from ${schema}.cart_lines order by cart_id, line_id`);
  return { carts: carts.rows, lines: lines.rows };
}

/**
 * The live pipeline in-process: a dispatcher and a worker per projection, on a BullMQ prefix
 * of their own and, as in production, a pool of their own sized for them (connect.ts), so
 * the workers do not queue behind the APIs' requests on the test's pool.
 */
export async function startPipeline(
  testPool: Pool,
  store: EventStore,
  { batchSize, prefix = `t${randomBytes(4).toString('hex')}` }: { batchSize?: number; prefix?: string } = {},
) {
  const pool = createPool(testPool.options.connectionString!, { max: poolSize(projections.length), pipeline: true });
  const logger = testLogger('projections', { LOG_LEVEL: 'debug' });
  const redis = createRedis('redis://127.0.0.1:6379');
  // Change notices go out under the same prefix: a query API given it as QUEUE_PREFIX hears them.
  const publisher = createRequestRedis('redis://127.0.0.1:6379');
  publisher.on('error', () => {});
  const publishChange = changePublisher(publisher, prefix, logger);
  const queues = createQueues(redis, prefix, projections);
  for (const p of projections) await createSchema(pool, p, liveSchema(p.name));
  const dispatcher = startDispatcher({ pool, store, queues, projections, logger, ...(batchSize ? { batchSize } : {}) });
  const workers = projections.map((projection) =>
    startWorker({ projection, pool, store, connection: redis, prefix, lockMs: 5000, logger, publishChange }),
  );
  return {
    redis,
    prefix,
    queues,
    dispatcher,
    async stop() {
      await Promise.all(workers.map((w) => w.close()));
      await dispatcher.stop();
      await closeQueues(queues);
      redis.disconnect();
      publisher.disconnect();
      await pool.end();
    },
  };
}

/**
 * A dead letter's poison: a cart opened, then a line whose quantity no version of the cart's
 * schema accepts (0), as a bad import would leave it. The store's append check refuses it, so a
 * store with the check off plants it. Answers once the poison is readable.
 */
export async function appendPoisonCart(db: {
  pool: Pool;
  url: string;
}): Promise<{ cartId: string; poison: RecordedEvent }> {
  const planter = createPostgresEventStore({ pool: db.pool, connectionString: db.url, checkEvents: false });
  try {
    const cartId = randomUUID();
    await planter.append(
      cartStream(cartId),
      [
        { id: randomUUID(), type: 'CartOpened', data: { cartId, currency: 'EUR' }, metadata: testMetadata },
        {
          id: randomUUID(),
          type: 'CartItemAdded',
          data: {
            cartId,
            lineId: randomUUID(),
            sku: 'MUG-WHITE',
            quantity: 0,
            unitPrice: { amount: 1200, currency: 'EUR' },
          },
          metadata: testMetadata,
        },
      ],
      'no_stream',
    );
    const [, poison] = await planter.readStream(cartStream(cartId));
    await readableAt(planter, poison!.position);
    return { cartId, poison: poison! };
  } finally {
    await planter.close();
  }
}
