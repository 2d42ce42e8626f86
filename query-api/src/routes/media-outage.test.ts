import { createHash } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { originalKey } from '@flowdose/domain/product/media';
import { projections } from '@flowdose/projections/registry';
import { createRenditionsQueue } from '@flowdose/projections/renditions';
import { createSchema } from '@flowdose/projections/schema';
import { createSessions } from '@flowdose/shared/auth/sessions';
import { createLocalBlobStore } from '@flowdose/shared/blob-store/local';
import { testConfig } from '@flowdose/shared/config';
import { createPostgresEventStore } from '@flowdose/shared/event-store/postgres/store';
import { createLogger } from '@flowdose/shared/logger';
import { createNotifications } from '@flowdose/shared/notifications';
import { liveSchema } from '@flowdose/shared/read-models';
import { createRedis, createRequestRedis } from '@flowdose/shared/redis';
import { createTestDatabase } from '@flowdose/testing/db';
import { serve } from '@flowdose/testing/http';
import { testImage } from '@flowdose/testing/images';
import { freePort } from '@flowdose/testing/process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.ts';
import { createChangeHub } from '../changes.ts';
import { createPositionWaiter } from '../min-position.ts';

// Nothing listens at REDIS_URL. A rendition not made yet asks for its job on BullMQ's
// connection, which waits for Redis as long as it is away: the request must not.
const config = testConfig();
let close: () => Promise<void>;
let api: Awaited<ReturnType<typeof serve>>;
let hash: string;

beforeAll(async () => {
  const db = await createTestDatabase();
  for (const p of projections) await createSchema(db.pool, p, liveSchema(p.name));
  const away = `redis://127.0.0.1:${await freePort()}`;
  const redis = createRequestRedis(away);
  const queueRedis = createRedis(away);
  for (const client of [redis, queueRedis]) client.on('error', () => {});
  const store = createPostgresEventStore({ pool: db.pool, connectionString: db.url });
  const notifications = createNotifications(db.url, () => {});
  const changes = createChangeHub({ url: away, prefix: 'away', logger: createLogger('test', 'silent') });
  const blobs = createLocalBlobStore(config.MEDIA_DIR);
  const photo = await testImage({ width: 800, height: 400 });
  hash = createHash('sha256').update(photo).digest('hex');
  await blobs.put(originalKey(hash), photo, { contentType: 'image/jpeg', cacheControl: 'no-store' });
  const renditions = createRenditionsQueue(queueRedis, config.QUEUE_PREFIX);
  api = await serve(
    buildApp({
      config,
      logger: createLogger('test', 'silent'),
      pool: db.pool,
      redis,
      store,
      sessions: createSessions(db.pool, config),
      waitForPosition: createPositionWaiter(db.pool, notifications, 1000),
      blobs,
      renditions,
      changes,
    }),
  );
  close = async () => {
    await api.close();
    await notifications.close();
    changes.close();
    await renditions.close().catch(() => {});
    redis.disconnect();
    queueRedis.disconnect();
    await store.close();
    await blobs.close();
    await rm(config.MEDIA_DIR, { recursive: true, force: true });
    await db.drop();
  };
});
afterAll(() => close());

describe('media with Redis away', () => {
  it('answers a rendition not made yet with 503 and Retry-After, not a wait for Redis', async () => {
    const started = Date.now();
    const res = await fetch(`${api.url}/media/${hash}/320.webp`);
    // Before the bound it waited as long as Redis was away; far short of that, with room for a busy machine.
    expect(Date.now() - started).toBeLessThan(5000);
    expect(res.status, await res.text()).toBe(503);
    expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    // Asked again on the next request, not taken as asked.
    expect((await fetch(`${api.url}/media/${hash}/320.webp`)).status).toBe(503);
  });

  it('still serves the original, which needs no queue', async () => {
    const res = await fetch(`${api.url}/media/${hash}/original`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/jpeg');
  });
});
