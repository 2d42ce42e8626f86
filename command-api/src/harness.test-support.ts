import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { fold } from '@flowdose/domain/decider';
import { inventoryDecider } from '@flowdose/domain/inventory/decider';
import type { InventoryEvent } from '@flowdose/domain/inventory/events';
import { signAccessToken } from '@flowdose/shared/auth/tokens';
import { type Config, testConfig } from '@flowdose/shared/config';
import { createPostgresEventStore } from '@flowdose/shared/event-store/postgres/store';
import { createRedis, createRequestRedis } from '@flowdose/shared/redis';
import { publishTestCatalog } from '@flowdose/testing/catalog';
import { checkoutDetails } from '@flowdose/testing/checkout';
import { createTestDatabase } from '@flowdose/testing/db';
import { serve } from '@flowdose/testing/http';
import { testLogger } from '@flowdose/testing/logs';
import { answersOk, until } from '@flowdose/testing/process';
import { buildApp } from './app.ts';
import { commandDeps } from './deps.ts';

/** The command API with real dependencies on a database of the test file's own, over HTTP. */
export async function startCommandApi(config: Config = testConfig()) {
  const db = await createTestDatabase();
  const redis = createRequestRedis(config.REDIS_URL);
  const queueRedis = createRedis(config.REDIS_URL);
  // Reported by the answers (503, /ready) where it matters; a test with Redis away expects them.
  for (const client of [redis, queueRedis]) client.on('error', () => {});
  const store = createPostgresEventStore({ pool: db.pool, connectionString: db.url });
  const deps = commandDeps({
    config,
    logger: testLogger('command-api', config),
    pool: db.pool,
    store,
    redis,
    queueRedis,
  });
  const api = await serve(buildApp(deps));
  return {
    config,
    db,
    redis,
    queueRedis,
    store,
    deps,
    api,
    async close() {
      await api.close();
      await deps.rebuilds.close();
      await deps.renditions.close();
      await deps.blobs.close();
      await rm(config.MEDIA_DIR, { recursive: true, force: true });
      await store.close();
      redis.disconnect();
      queueRedis.disconnect();
      await db.drop();
    },
  };
}

export type TestCart = { cartId: string; cartToken: string };
type Problem = { type: string; status: number; detail: string };

/**
 * The command API with the test catalog published, an admin's headers, and the shopper's
 * and stock-keeper's steps the commerce tests repeat: restock, fill a cart, check out,
 * read a stream.
 */
export async function startShop(config: Config) {
  const started = await startCommandApi(config);
  const { api, db } = started;
  await publishTestCatalog(api, config.AUTH_JWT_SECRET);
  const admin: Record<string, string> = {
    Authorization: `Bearer ${await signAccessToken(config.AUTH_JWT_SECRET, { userId: randomUUID(), role: 'admin', sessionId: randomUUID() }, 3600)}`,
  };
  const restock = (sku: string, quantity: number) =>
    api.request('POST', `/admin/inventory/${sku}/restock`, { body: { quantity, reason: 'test' }, headers: admin });
  async function cartWith(lines: [string, number][], currency = 'EUR'): Promise<TestCart> {
    const cart = (await api.request<TestCart>('POST', '/carts', { body: { currency } })).body;
    for (const [sku, quantity] of lines) {
      const res = await api.request('POST', `/carts/${cart.cartId}/items`, {
        body: { sku, quantity },
        headers: { 'X-Cart-Token': cart.cartToken },
      });
      if (res.status !== 201) throw new Error(`could not add ${sku}: ${res.text}`);
    }
    return cart;
  }
  const checkOut = (cart: TestCart, body: object = checkoutDetails(), headers: Record<string, string> = {}) =>
    api.request<{ orderId: string; position: string } & Problem>('POST', `/carts/${cart.cartId}/checkout`, {
      body,
      headers: { 'X-Cart-Token': cart.cartToken, ...headers },
    });
  const stream = async (id: string) =>
    (await db.pool.query('select type, data from events where stream_id = $1 order by stream_position', [id])).rows as {
      type: string;
      data: Record<string, unknown>;
    }[];
  const stockOf = async (sku: string) =>
    fold(inventoryDecider, (await stream(`inventory-${sku}`)) as unknown as InventoryEvent[]);
  return { ...started, admin, restock, cartWith, checkOut, stream, stockOf };
}

/** Waits until a command API run as its own process (spawnTs) answers /health. */
export const untilServing = (url: string) =>
  until(() => answersOk(`${url}/health`), 30_000, `command API at ${url} up`);

/** A published product with one variant (SKU: the handle in capitals, EUR 1.00), made as an admin. */
export async function newProduct(
  api: Awaited<ReturnType<typeof startCommandApi>>['api'],
  admin: Record<string, string>,
  handle: string,
): Promise<string> {
  const res = await api.request<{ productId: string }>('POST', '/admin/products', {
    headers: admin,
    body: {
      title: handle,
      handle,
      description: '',
      category: 'test',
      tags: [],
      options: [],
      variants: [{ sku: handle.toUpperCase(), optionValues: {}, prices: { EUR: 100 }, weightGrams: 1 }],
    },
  });
  if (res.status !== 201) throw new Error(`product ${handle}: ${res.status} ${res.text}`);
  return res.body.productId;
}
