import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { inventoryProjection } from '@flowdose/projections/read-models/inventory/projection';
import { createSchema } from '@flowdose/projections/schema';
import { createSessions } from '@flowdose/shared/auth/sessions';
import { testConfig } from '@flowdose/shared/config';
import { createPostgresEventStore } from '@flowdose/shared/event-store/postgres/store';
import { createLogger } from '@flowdose/shared/logger';
import { liveSchema } from '@flowdose/shared/read-models';
import { createRedis, createRequestRedis } from '@flowdose/shared/redis';
import { createTestDatabase, type TestDatabase } from '@flowdose/testing/db';
import { until } from '@flowdose/testing/process';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandDeps } from './deps.ts';
import { applyRetention, startHousekeeping } from './release-expired.ts';

const config = testConfig({ IDEMPOTENCY_RETENTION_HOURS: '24', ACCESS_TOKEN_TTL_SECONDS: '900' });
let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
  // The housekeeping tick reads the inventory model before retention runs.
  await createSchema(db.pool, inventoryProjection, liveSchema('inventory'));
});
afterAll(() => db.drop());

/** A key stored `hoursAgo` hours ago, answered or still pending. */
const key = (name: string, state: 'done' | 'pending', hoursAgo: number) =>
  db.pool.query(
    `insert into idempotency_keys (scope, key, request_hash, state, locked_until, status, body, created_at)
     values ('test', $1, 'h', $2, now() - make_interval(hours => $3), $4, $5, now() - make_interval(hours => $3))`,
    [name, state, hoursAgo, state === 'done' ? 201 : null, state === 'done' ? '{}' : null],
  );
const keys = async () =>
  (await db.pool.query<{ key: string }>("select key from idempotency_keys where scope = 'test' order by key")).rows.map(
    (r) => r.key,
  );

/** A customer's session, its id taken from the table (the tokens carry it signed). */
async function session(name: string) {
  const userId = randomUUID();
  await createSessions(db.pool, config).start(userId, 'customer');
  const { rows } = await db.pool.query<{ session_id: string }>(
    'select session_id from auth_sessions where user_id = $1',
    [userId],
  );
  const id = rows[0]!.session_id;
  named.set(id, name);
  return id;
}
const named = new Map<string, string>();
const sessionsLeft = async () =>
  (await db.pool.query<{ session_id: string }>('select session_id from auth_sessions')).rows
    .map((r) => named.get(r.session_id))
    .sort();
const tokensOf = async (id: string) =>
  Number((await db.pool.query('select count(*) from refresh_tokens where session_id = $1', [id])).rows[0].count);

async function history() {
  await key('old-done', 'done', 48);
  await key('old-pending', 'pending', 48);
  await key('recent-done', 'done', 1);
  const expired = await session('expired');
  await db.pool.query("update refresh_tokens set expires_at = now() - interval '1 hour' where session_id = $1", [
    expired,
  ]);
  const justExpired = await session('just-expired');
  // Its last access token may still be valid for a few minutes: a deleted session would let it through.
  await db.pool.query("update refresh_tokens set expires_at = now() - interval '1 minute' where session_id = $1", [
    justExpired,
  ]);
  const revokedLongAgo = await session('revoked-long-ago');
  await createSessions(db.pool, config).revoke(revokedLongAgo);
  await db.pool.query("update auth_sessions set revoked_at = now() - interval '1 hour' where session_id = $1", [
    revokedLongAgo,
  ]);
  await createSessions(db.pool, config).revoke(await session('revoked-now'));
  await session('live');
  return { expired };
}

describe('retention', () => {
  it('deletes old spent keys and sessions past all use, and keeps pending keys, recent keys and usable sessions', async () => {
    const { expired } = await history();
    expect(await tokensOf(expired)).toBe(1);
    expect(await applyRetention({ pool: db.pool, config })).toEqual({ idempotencyKeys: 1, sessions: 2 });
    expect(await keys()).toEqual(['old-pending', 'recent-done']);
    expect(await sessionsLeft()).toEqual(['just-expired', 'live', 'revoked-now']);
    expect(await tokensOf(expired)).toBe(0);
    // Nothing more to do: a second sweep deletes nothing.
    expect(await applyRetention({ pool: db.pool, config })).toEqual({ idempotencyKeys: 0, sessions: 0 });
  });

  it('runs in the housekeeping sweep and counts what it deleted in the metrics', async () => {
    await db.pool.query("delete from idempotency_keys where scope = 'test'");
    await db.pool.query('delete from auth_sessions');
    await history();
    const redis = createRequestRedis(config.REDIS_URL);
    const queueRedis = createRedis(config.REDIS_URL);
    const store = createPostgresEventStore({ pool: db.pool, connectionString: db.url });
    const logger = createLogger('test', 'silent');
    const deps = commandDeps({ config, logger, pool: db.pool, store, redis, queueRedis });
    const registry = new Registry();
    const housekeeping = startHousekeeping(deps, logger, { registry });
    const deleted = async () =>
      Object.fromEntries(
        (await registry.getSingleMetric('flowdose_retention_deleted_total')!.get()).values.map((v) => [
          v.labels.kind,
          v.value,
        ]),
      );
    try {
      await until(async () => (await deleted()).sessions === 2, 30_000, 'the first sweep');
      expect(await deleted()).toEqual({ idempotency_keys: 1, sessions: 2 });
      expect(await keys()).toEqual(['old-pending', 'recent-done']);
      const metrics = await registry.metrics();
      expect(metrics).toContain('flowdose_retention_deleted_total{kind="idempotency_keys"} 1');
      expect(metrics).toMatch(/flowdose_retention_last_run_timestamp_seconds \d+/);
    } finally {
      await housekeeping.close();
      await deps.rebuilds.close();
      await deps.renditions.close();
      await deps.blobs.close();
      await rm(config.MEDIA_DIR, { recursive: true, force: true });
      await store.close();
      redis.disconnect();
      queueRedis.disconnect();
    }
  });
});
