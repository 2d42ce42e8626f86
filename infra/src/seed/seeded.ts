import type { Pool } from '@flowdose/shared/db';
import type { Seeded } from './seed-catalog.ts';

/**
 * What the demo seed already did, read from the log: each step's event carries the step's
 * Idempotency-Key (seedKeys). `own` when the shop has products the seed did not make: its
 * catalog is its own, and the seed leaves it alone.
 */
export async function readSeeded(pool: Pool): Promise<Seeded | 'own'> {
  const { rows: any } = await pool.query("select 1 from events where type = 'ProductCreated' limit 1");
  if (any.length === 0) return { keys: new Set(), productIds: new Map() };
  const { rows: demo } = await pool.query(
    "select 1 from events where type = 'ProductCreated' and metadata->>'idempotencyKey' like 'seed-create-%' limit 1",
  );
  if (demo.length === 0) return 'own';
  const { rows } = await pool.query<{ key: string; stream: string }>(
    `select metadata->>'idempotencyKey' as key, stream_id as stream from events
      where type in ('ProductCreated', 'ProductImageAdded', 'StockRestocked', 'ProductPublished')
        and metadata->>'idempotencyKey' like 'seed-%'`,
  );
  const productIds = new Map<string, string>();
  for (const { key, stream } of rows) {
    if (key.startsWith('seed-create-'))
      productIds.set(key.slice('seed-create-'.length), stream.slice('product-'.length));
  }
  return { keys: new Set(rows.map((r) => r.key)), productIds };
}
