import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startShop } from '@flowdose/command-api/harness.test-support';
import { testConfig } from '@flowdose/shared/config';
import { createPool, type Pool } from '@flowdose/shared/db';
import { createPostgresEventStore } from '@flowdose/shared/event-store/postgres/store';
import { readableAt } from '@flowdose/shared/event-store/readable';
import { liveSchema } from '@flowdose/shared/read-models';
import { checkoutDetails } from '@flowdose/testing/checkout';
import { adminUrl, createTestDatabase, TEST_DB_PREFIX, testDatabaseUrl } from '@flowdose/testing/db';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backup, type RestoreProgress, restore } from './backup.ts';
import { appendCartHistories } from './harness.test-support.ts';
import { projections } from './registry.ts';
import { catchUp } from './run-range.ts';
import { createSchema } from './schema.ts';

let dir: string;
const dropped: (() => Promise<void>)[] = [];
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'flowdose-backup-'));
});
afterAll(async () => {
  for (const drop of dropped.reverse()) await drop();
  await rm(dir, { recursive: true, force: true });
});

const admin = async (sql: string) => {
  const client = new pg.Client({ connectionString: adminUrl() });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
};

/** A database as `createdb` makes it: nothing in it (named with the prefix, so the suite's cleanup finds it too). */
async function emptyDatabase() {
  const name = `${TEST_DB_PREFIX}restore_${randomBytes(5).toString('hex')}`;
  await admin(`create database "${name}" template template0`);
  const url = testDatabaseUrl(name);
  const pool = createPool(url, { max: 8, pipeline: true });
  const store = createPostgresEventStore({ pool, connectionString: url });
  dropped.push(async () => {
    await store.close();
    await pool.end();
    await admin(`drop database if exists "${name}" with (force)`);
  });
  return { url, pool, store };
}

/**
 * Every row of every table and view in these schemas, as text, in a stable order. A read
 * model's checkpoint row keeps its position and version; its `updated_at` says when the
 * build ran, which a rebuild does not repeat.
 */
async function contents(pool: Pool, schemas: string[]) {
  const { rows } = await pool.query<{ schema: string; name: string }>(
    `select n.nspname as schema, c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = any($1::text[]) and c.relkind in ('r', 'v', 'p') order by 1, 2`,
    [schemas],
  );
  const all: Record<string, string[]> = {};
  for (const { schema, name } of rows) {
    const row = name === 'checkpoint' && schema.startsWith('rm_') ? `to_jsonb(t) - 'updated_at'` : 'to_jsonb(t)';
    const result = await pool.query<{ row: string }>(
      `select (${row})::text as row from "${schema}"."${name}" t order by 1`,
    );
    all[`${schema}.${name}`] = result.rows.map((r) => r.row);
  }
  return all;
}

const readModels = projections.map((p) => liveSchema(p.name));
const sourcesOfTruth = ['public', 'test_payments'];

describe('backup and restore', () => {
  it('restores into a fresh database whose rebuilt read models equal the original, row for row', async () => {
    const shop = await startShop(testConfig({ COMMANDS_PER_MINUTE: '100000' }));
    dropped.push(() => shop.close());
    const { api, admin: staff } = shop;
    // A shop's history: a signed-up customer, a discount, orders walked through their steps,
    // one canceled, an abandoned cart, a request with an Idempotency-Key.
    const registered = await api.request<{ accessToken: string }>('POST', '/auth/register', {
      body: { email: 'bea@example.com', password: 'correct horse battery' },
    });
    expect(registered.status, registered.text).toBe(201);
    for (const sku of ['MUG-WHITE', 'HOODIE-GREY-M', 'TSHIRT-RED-M', 'CAP-BLACK']) await shop.restock(sku, 20);
    const discount = await api.request('POST', '/admin/discounts', {
      body: { code: 'TENOFF', value: { kind: 'percent', percent: 10 }, usageLimit: 5 },
      headers: staff,
    });
    expect(discount.status, discount.text).toBe(201);
    const orders: string[] = [];
    for (const [i, lines] of [
      [['MUG-WHITE', 2]],
      [
        ['HOODIE-GREY-M', 1],
        ['TSHIRT-RED-M', 3],
      ],
      [['CAP-BLACK', 1]],
      [['TSHIRT-RED-M', 1]],
    ].entries()) {
      const cart = await shop.cartWith(lines as [string, number][], i === 3 ? 'USD' : 'EUR');
      const placed = await shop.checkOut(
        cart,
        checkoutDetails(i === 1 ? { discountCode: 'TENOFF', email: 'bea@example.com' } : {}),
        { 'Idempotency-Key': `order-${i}` },
      );
      expect(placed.status, placed.text).toBe(201);
      orders.push(placed.body.orderId);
    }
    for (const action of ['capture', 'fulfil']) {
      const res = await api.request('POST', `/admin/orders/${orders[0]}/${action}`, { body: {}, headers: staff });
      expect(res.status, res.text).toBe(200);
    }
    const canceled = await api.request('POST', `/admin/orders/${orders[2]}/cancel`, {
      body: { reason: 'customer asked' },
      headers: staff,
    });
    expect(canceled.status, canceled.text).toBe(200);
    await shop.cartWith([['MUG-WHITE', 1]]); // left behind

    // The original's read models, built to the head of its log.
    const { pool, url } = shop.db;
    const store = shop.store;
    // The last append, waited for until readable: the store's head stops short of a transaction
    // another test's open one still holds back.
    const { rows: last } = await pool.query<{ major: string; minor: bigint }>(
      'select transaction_id::text as major, global_position as minor from events order by global_position desc limit 1',
    );
    const head = { major: BigInt(last[0]!.major), minor: last[0]!.minor };
    await readableAt(store, head);
    for (const p of projections) {
      await createSchema(pool, p, liveSchema(p.name));
      await catchUp(pool, store, p, liveSchema(p.name), head);
    }
    const original = await contents(pool, [...readModels, 'analytics', ...sourcesOfTruth]);
    // Every read model has something to compare (a model left empty would prove nothing).
    for (const schema of readModels)
      expect(
        Object.entries(original).some(([table, rows]) => table.startsWith(`${schema}.`) && rows.length > 0),
        schema,
      ).toBe(true);

    const file = join(dir, 'shop.dump');
    const { bytes } = await backup(url, file);
    expect(bytes).toBeGreaterThan(0);

    const target = await emptyDatabase();
    const seen: RestoreProgress['step'][] = [];
    const restored = await restore({
      databaseUrl: target.url,
      file,
      pool: target.pool,
      store: target.store,
      queues: new Map(),
      projections,
      onProgress: (p) => {
        if (seen.at(-1) !== p.step) seen.push(p.step);
      },
    });
    expect(restored.events).toBe(Number((await pool.query('select count(*) from events')).rows[0].count));
    expect(restored.advancedXids).toBe(0n);
    expect(seen).toEqual(['restore', 'migrate', 'analyze', 'rebuild']);
    expect(Object.keys(restored.applied).sort()).toEqual(projections.map((p) => p.name).sort());

    const copy = await contents(target.pool, [...readModels, 'analytics', ...sourcesOfTruth]);
    expect(Object.keys(copy)).toEqual(Object.keys(original));
    for (const table of Object.keys(original)) expect(copy[table], table).toEqual(original[table]);
    // Nothing but the live schemas: no shadow or retired one left over.
    const { rows: schemas } = await target.pool.query<{ name: string }>(
      "select nspname as name from pg_namespace where nspname like 'rm\\_%' order by 1",
    );
    expect(schemas.map((s) => s.name)).toEqual([...readModels].sort());

    // A restored database holds a shop now: a second restore into it is refused.
    await expect(
      restore({
        databaseUrl: target.url,
        file,
        pool: target.pool,
        store: target.store,
        queues: new Map(),
        projections,
      }),
    ).rejects.toThrow(/refusing to restore: this database holds \d+ events/);
  });

  it('makes up a restored log a little ahead of the server, and stops before the read models when far ahead', async () => {
    const source = await createTestDatabase();
    dropped.push(() => source.drop());
    const store = createPostgresEventStore({ pool: source.pool, connectionString: source.url });
    dropped.push(() => store.close());
    const { events } = await appendCartHistories(store, 5, 7);
    const next = async (pool: Pool) =>
      BigInt(
        (await pool.query<{ next: string }>('select pg_snapshot_xmax(pg_current_snapshot())::text as next')).rows[0]!
          .next,
      );
    // As a dump of a busier cluster would bring it: the last append's transaction id is the old cluster's.
    const moveLastAppend = async (ahead: bigint) =>
      source.pool.query(
        `update events set transaction_id = $1::text::xid8
         where transaction_id = (select max(transaction_id) from events)`,
        [((await next(source.pool)) + ahead).toString()],
      );

    await moveLastAppend(3000n);
    const file = join(dir, 'ahead.dump');
    await backup(source.url, file);
    const near = await emptyDatabase();
    const restored = await restore({
      databaseUrl: near.url,
      file,
      pool: near.pool,
      store: near.store,
      queues: new Map(),
      projections,
    });
    expect(restored.events).toBe(events);
    expect(restored.advancedXids).toBeGreaterThan(0n);
    const carts = await near.pool.query(`select count(*)::int as n from ${liveSchema('carts')}.carts`);
    expect(carts.rows[0].n).toBe(5);

    // An epoch ahead: four billion transactions are no job for a restore.
    await moveLastAppend(1n << 32n);
    await backup(source.url, file);
    const far = await emptyDatabase();
    await expect(
      restore({ databaseUrl: far.url, file, pool: far.pool, store: far.store, queues: new Map(), projections }),
    ).rejects.toThrow(/restored \d+ events, but built no read model: .*pg_resetwal -e 1 .*npm run ops -- rebuild \$p/);
    const { rows } = await far.pool.query("select count(*)::int as n from pg_namespace where nspname like 'rm\\_%'");
    expect(rows[0].n).toBe(0);
  });

  it('refuses a database that is not empty, and says a missing file is missing', async () => {
    const migrated = await createTestDatabase();
    dropped.push(() => migrated.drop());
    const store = createPostgresEventStore({ pool: migrated.pool, connectionString: migrated.url });
    dropped.push(() => store.close());
    const file = join(dir, 'empty.dump');
    await backup(migrated.url, file);
    const args = { databaseUrl: migrated.url, pool: migrated.pool, store, queues: new Map(), projections };
    await expect(restore({ ...args, file })).rejects.toThrow(/this database is not empty \(.*\): a restore goes only/);
    await expect(restore({ ...args, file: join(dir, `${randomUUID()}.dump`) })).rejects.toThrow(/ENOENT/);
  });
});
