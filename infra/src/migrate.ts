import { projections } from '@flowdose/projections/registry';
import { createSchema } from '@flowdose/projections/schema';
import { loadConfig } from '@flowdose/shared/config';
import { createPool } from '@flowdose/shared/db';
import { ensureDatabase, migrate } from '@flowdose/shared/migrate';
import { liveSchema } from '@flowdose/shared/read-models';

/** Creates the database if needed, migrates the event store, and creates every read-model schema. */
export async function migrateAll(databaseUrl: string, log: (msg: string) => void = console.log): Promise<void> {
  await ensureDatabase(databaseUrl);
  await migrate(databaseUrl, log);
  const pool = createPool(databaseUrl);
  try {
    for (const p of projections) await createSchema(pool, p, liveSchema(p.name));
  } finally {
    await pool.end();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await migrateAll(loadConfig().DATABASE_URL);
}
