import { type Change, changePublisher, subscribeChanges } from '@flowdose/shared/change-feed';
import { comparePositions, parsePosition, START } from '@flowdose/shared/event-store/position';
import { createPostgresEventStore } from '@flowdose/shared/event-store/postgres/store';
import { createLogger } from '@flowdose/shared/logger';
import { liveSchema, readCheckpoint } from '@flowdose/shared/read-models';
import { createRequestRedis } from '@flowdose/shared/redis';
import { createTestDatabase, type TestDatabase } from '@flowdose/testing/db';
import { until } from '@flowdose/testing/process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendCartHistories, startPipeline } from './harness.test-support.ts';
import { cartsProjection } from './read-models/carts/projection.ts';
import { rebuild } from './rebuild.ts';

const logger = createLogger('test', 'silent');
const REDIS = 'redis://127.0.0.1:6379';
let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db.drop());

describe('the change feed', () => {
  it('names every stream a committed range applied, at a checkpoint already readable, and a swap as "all"', async () => {
    const store = createPostgresEventStore({ pool: db.pool, connectionString: db.url });
    const pipeline = await startPipeline(db.pool, store);
    const heard: Change[] = [];
    // Checkpoints seen when each notice arrived: the read model must already hold the change.
    const seenAt: (string | null)[] = [];
    const feed = subscribeChanges({
      url: REDIS,
      prefix: pipeline.prefix,
      logger,
      onChange: (change) => {
        heard.push(change);
        if (change.projection === 'carts')
          void readCheckpoint(db.pool, liveSchema('carts')).then((at) =>
            seenAt.push(at && comparePositions(at, parsePosition(change.position)!) >= 0 ? 'ok' : change.position),
          );
      },
    });
    await feed.subscribed;
    try {
      const { streams, head } = await appendCartHistories(store, 12, 1);
      await until(
        async () => comparePositions((await readCheckpoint(db.pool, liveSchema('carts'))) ?? START, head) >= 0,
      );
      await until(
        async () => new Set(heard.filter((c) => c.projection === 'carts').flatMap((c) => c.streams)).size >= 12,
      );
      const named = new Set(heard.filter((c) => c.projection === 'carts').flatMap((c) => c.streams));
      expect([...named].sort()).toEqual([...streams].sort());
      await until(async () => seenAt.length === heard.filter((c) => c.projection === 'carts').length);
      expect(seenAt.every((s) => s === 'ok')).toBe(true);

      // A rebuild replaces the whole model: one notice says so.
      const publisher = createRequestRedis(REDIS);
      await rebuild({
        pool: db.pool,
        store,
        queues: pipeline.queues,
        projection: cartsProjection,
        publishChange: changePublisher(publisher, pipeline.prefix, logger),
      });
      await until(async () => heard.some((c) => c.projection === 'carts' && c.streams === 'all'));
      publisher.disconnect();
    } finally {
      feed.close();
      await pipeline.stop();
    }
  });

  it('a notice Redis cannot take is logged and lost, never a stalled projector', async () => {
    // Nothing listens on port 1: the publish fails at once instead of waiting.
    const away = createRequestRedis('redis://127.0.0.1:1');
    away.on('error', () => {});
    const publish = changePublisher(away, 'nowhere', logger);
    const started = Date.now();
    await publish({ projection: 'carts', position: '1.1', streams: ['cart-x'] });
    // A stalled publish would never end (the test's timeout); a generous bound for a busy machine.
    expect(Date.now() - started).toBeLessThan(10_000);
    away.disconnect();
  });
});
