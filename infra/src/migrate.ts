import type { Projection } from '@flowdose/projections/projection';
import { rebuild } from '@flowdose/projections/rebuild';
import { projections as byDefault, projectionsFor } from '@flowdose/projections/registry';
import { createSchema, ensureViews, schemaState } from '@flowdose/projections/schema';
import { loadConfig } from '@flowdose/shared/config';
import { createPool } from '@flowdose/shared/db';
import { createPostgresEventStore } from '@flowdose/shared/event-store/postgres/store';
import { ensureDatabase, migrate } from '@flowdose/shared/migrate';
import { liveSchema } from '@flowdose/shared/read-models';

/**
 * Creates the database if needed, migrates the event store, and creates every read-model
 * schema with its analytics views. A projection whose code moved to a new version is rebuilt
 * into a shadow schema and swapped in, so its old tables keep serving until the new ones are
 * whole. `projections` as the configuration applies them (`projectionsFor`: where search goes).
 */
export async function migrateAll(
  databaseUrl: string,
  log: (msg: string) => void = console.log,
  projections: readonly Projection[] = byDefault,
): Promise<void> {
  await ensureDatabase(databaseUrl);
  await migrate(databaseUrl, log);
  const pool = createPool(databaseUrl);
  try {
    const store = createPostgresEventStore({ pool, connectionString: databaseUrl });
    for (const p of projections) {
      if ((await schemaState(pool, p, liveSchema(p.name))) === 'stale') {
        log(`rebuilding projection ${p.name} for version ${p.version}`);
        // No queues here: the workers catch up from the swapped schema when they start.
        await rebuild({ pool, store, queues: new Map(), projection: p });
      }
      await createSchema(pool, p, liveSchema(p.name));
      // A schema made before its projection declared analytics views gets them here.
      await ensureViews(pool, p);
    }
    await store.close();
  } finally {
    await pool.end();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const config = loadConfig();
  await migrateAll(config.DATABASE_URL, console.log, projectionsFor(config));
}
