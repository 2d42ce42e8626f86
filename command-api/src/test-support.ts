import { type Config, testConfig } from '@flowdose/shared/config';
import { createPostgresEventStore } from '@flowdose/shared/event-store/postgres/store';
import { createLogger } from '@flowdose/shared/logger';
import { createRedis } from '@flowdose/shared/redis';
import { createTestDatabase } from '@flowdose/shared/testing/db';
import { serve } from '@flowdose/shared/testing/http';
import { buildApp } from './app.ts';
import { commandDeps } from './deps.ts';

/** The command API with real dependencies on a database of the test file's own, over HTTP. */
export async function startCommandApi(config: Config = testConfig()) {
  const db = await createTestDatabase();
  const redis = createRedis(config.REDIS_URL);
  const store = createPostgresEventStore({ pool: db.pool, connectionString: db.url });
  const deps = commandDeps({ config, logger: createLogger('test', 'silent'), pool: db.pool, store, redis });
  const api = await serve(buildApp(deps));
  return {
    config,
    db,
    redis,
    store,
    deps,
    api,
    async close() {
      await api.close();
      await deps.rebuilds.close();
      await store.close();
      redis.disconnect();
      await db.drop();
    },
  };
}
