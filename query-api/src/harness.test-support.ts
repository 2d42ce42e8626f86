import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { buildApp as buildCommandApp } from '@flowdose/command-api/app';
import { commandDeps } from '@flowdose/command-api/deps';
import { startPipeline } from '@flowdose/projections/harness.test-support';
import { createSessions } from '@flowdose/shared/auth/sessions';
import { type Role, signAccessToken } from '@flowdose/shared/auth/tokens';
import type { Clock } from '@flowdose/shared/clock';
import { type Config, testConfig } from '@flowdose/shared/config';
import { createPostgresEventStore } from '@flowdose/shared/event-store/postgres/store';
import { createNotifications } from '@flowdose/shared/notifications';
import { createRequestRedis } from '@flowdose/shared/redis';
import { checkoutDetails } from '@flowdose/testing/checkout';
import { createTestDatabase } from '@flowdose/testing/db';
import { serve, type TestServer } from '@flowdose/testing/http';
import { testLogger } from '@flowdose/testing/logs';
import { expect } from 'vitest';
import { buildApp } from './app.ts';
import { createChangeHub } from './changes.ts';
import type { Deps } from './deps.ts';
import { createPositionWaiter } from './min-position.ts';

/**
 * Both APIs and the projection pipeline in-process, on a database of the test file's own.
 * `clock`, for scripted histories over several days: the store stamps events with it, the
 * command API decides with it (checkouts) and the query API judges time with it (abandoned
 * carts). Sessions and tokens keep real time.
 */
export async function startStack(
  config: Config = testConfig({ MIN_POSITION_TIMEOUT_MS: '3000' }),
  { clock }: { clock?: Clock } = {},
) {
  const logger = testLogger('query-api', config);
  const db = await createTestDatabase();
  const store = createPostgresEventStore({ pool: db.pool, connectionString: db.url, ...(clock ? { clock } : {}) });
  // The pipeline publishes its change notices under the config's prefix, where the query API listens.
  const pipeline = await startPipeline(db.pool, store, { prefix: config.QUEUE_PREFIX });
  const changes = createChangeHub({ url: config.REDIS_URL, prefix: config.QUEUE_PREFIX, logger });
  await changes.subscribed;
  const notifications = createNotifications(db.url, () => {});
  const stopping = new AbortController();
  const deps = {
    ...commandDeps({ config, logger, pool: db.pool, store, redis: pipeline.redis, queueRedis: pipeline.redis }),
    ...(clock ? { clock } : {}),
  };
  const commands = await serve(buildCommandApp(deps));
  // As in production: a Redis connection that fails at once while Redis is away.
  const queryRedis = createRequestRedis(config.REDIS_URL);
  queryRedis.on('error', () => {});
  const queryDeps: Deps = {
    config,
    logger,
    pool: db.pool,
    redis: queryRedis,
    store,
    sessions: createSessions(db.pool, config),
    waitForPosition: createPositionWaiter(db.pool, notifications, config.MIN_POSITION_TIMEOUT_MS),
    ...(clock ? { clock } : {}),
    // The same store and queue as the command API's: what it uploads is served here.
    blobs: deps.blobs,
    renditions: deps.renditions,
    changes,
    stopping: stopping.signal,
  };
  const queries = await serve(buildApp(queryDeps));
  return {
    config,
    db,
    store,
    pipeline,
    commands,
    queries,
    queryDeps,
    /** Ends the query API's live streams, as a graceful shutdown does first. */
    stopping,
    async close() {
      await commands.close();
      stopping.abort();
      await queries.close();
      await deps.rebuilds.close();
      await deps.renditions.close();
      await deps.blobs.close();
      await rm(config.MEDIA_DIR, { recursive: true, force: true });
      await pipeline.stop();
      changes.close();
      queryRedis.disconnect();
      await notifications.close();
      await store.close();
      await db.drop();
    },
  };
}

/**
 * A customer who signed up, with an open cart of one line: the start of most journeys the
 * read tests follow. Answers the headers that reach that cart and the line's position.
 */
export async function shopperWithCart(
  commands: TestServer,
  email: string,
  line: { sku: string; quantity: number } = { sku: 'MUG-WHITE', quantity: 1 },
) {
  const account = await commands.request<{ accessToken: string }>('POST', '/auth/register', {
    body: { email, password: 'correct horse battery' },
  });
  const customer = { Authorization: `Bearer ${account.body.accessToken}` };
  const cart = (
    await commands.request<{ cartId: string; cartToken: string }>('POST', '/carts', {
      body: { currency: 'EUR' },
      headers: customer,
    })
  ).body;
  const cartAccess = { ...customer, 'X-Cart-Token': cart.cartToken };
  const added = await commands.request<{ position: string }>('POST', `/carts/${cart.cartId}/items`, {
    body: line,
    headers: cartAccess,
  });
  return { customer, cart, cartAccess, added: added.body.position };
}

/** A bearer header for a user of that role, signed as the API signs them. */
export async function bearer(config: Config, role: Role): Promise<{ Authorization: string }> {
  const token = await signAccessToken(
    config.AUTH_JWT_SECRET,
    { userId: randomUUID(), role, sessionId: randomUUID() },
    600,
  );
  return { Authorization: `Bearer ${token}` };
}

/**
 * A back-office read's role matrix: without a token 401, a customer 403 (problem+json),
 * each staff role 200 and never cached. `minPosition`: what the read must have seen first.
 */
export async function expectStaffOnly(
  queries: TestServer,
  config: Config,
  path: string,
  minPosition?: string,
): Promise<void> {
  const seen: Record<string, string> = minPosition ? { 'X-Min-Position': minPosition } : {};
  const anonymous = await queries.request('GET', path);
  expect(anonymous.status, path).toBe(401);
  const customer = await queries.request('GET', path, { headers: await bearer(config, 'customer') });
  expect(customer.status, path).toBe(403);
  expect(customer.headers.get('content-type')).toContain('application/problem+json');
  for (const role of ['admin', 'ops', 'analyst'] as const) {
    const res = await queries.request('GET', path, { headers: { ...(await bearer(config, role)), ...seen } });
    expect([role, res.status], `${path}: ${res.text}`).toEqual([role, 200]);
    expect(res.headers.get('cache-control')).toBe('no-store');
  }
}

/**
 * Places an order of `quantity` units of `sku` with the test card, a guest's unless `headers`
 * sign a customer in; answers its id, position and cart token.
 */
export async function placeOrder(
  commands: TestServer,
  sku: string,
  quantity: number,
  {
    currency = 'EUR',
    headers = {},
    ...details
  }: { currency?: string; headers?: Record<string, string> } & Record<string, unknown> = {},
): Promise<{ orderId: string; position: string; cartToken: string }> {
  const cart = (
    await commands.request<{ cartId: string; cartToken: string }>('POST', '/carts', { body: { currency }, headers })
  ).body;
  const access = { ...headers, 'X-Cart-Token': cart.cartToken };
  await commands.request('POST', `/carts/${cart.cartId}/items`, { body: { sku, quantity }, headers: access });
  const res = await commands.request<{ orderId: string; position: string }>('POST', `/carts/${cart.cartId}/checkout`, {
    headers: access,
    body: checkoutDetails(details),
  });
  if (res.status !== 201) throw new Error(`checkout failed: ${res.status} ${res.text}`);
  return { ...res.body, cartToken: cart.cartToken };
}
