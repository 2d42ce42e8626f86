import { buildApp as buildCommandApp } from '@flowdose/command-api/app';
import { commandDeps } from '@flowdose/command-api/deps';
import { startPipeline } from '@flowdose/projections/test-support';
import { createSessions } from '@flowdose/shared/auth/sessions';
import { type Config, testConfig } from '@flowdose/shared/config';
import { createPostgresEventStore } from '@flowdose/shared/event-store/postgres/store';
import { createLogger } from '@flowdose/shared/logger';
import { createNotifications } from '@flowdose/shared/notifications';
import { createTestDatabase } from '@flowdose/shared/testing/db';
import { serve, type TestServer } from '@flowdose/shared/testing/http';
import { buildApp } from './app.ts';
import type { Deps } from './deps.ts';
import { createPositionWaiter } from './min-position.ts';

/** Both APIs and the projection pipeline in-process, on a database of the test file's own. */
export async function startStack(config: Config = testConfig({ MIN_POSITION_TIMEOUT_MS: '3000' })) {
  const logger = createLogger('test', 'silent');
  const db = await createTestDatabase();
  const store = createPostgresEventStore({ pool: db.pool, connectionString: db.url });
  const pipeline = await startPipeline(db.pool, store);
  const notifications = createNotifications(db.url, () => {});
  const deps = commandDeps({ config, logger, pool: db.pool, store, redis: pipeline.redis, queueRedis: pipeline.redis });
  const commands = await serve(buildCommandApp(deps));
  const queryDeps: Deps = {
    config,
    logger,
    pool: db.pool,
    redis: pipeline.redis,
    store,
    sessions: createSessions(db.pool, config),
    waitForPosition: createPositionWaiter(db.pool, notifications, config.MIN_POSITION_TIMEOUT_MS),
  };
  const queries = await serve(buildApp(queryDeps));
  return {
    config,
    db,
    commands,
    queries,
    queryDeps,
    async close() {
      await commands.close();
      await queries.close();
      await deps.rebuilds.close();
      await pipeline.stop();
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
