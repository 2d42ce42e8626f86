import { randomBytes } from 'node:crypto';
import { findCart } from '@flowdose/projections/read-models/carts/queries';
import { comparePositions, type Position, START } from '@flowdose/shared/event-store/position';
import { createPostgresEventStore } from '@flowdose/shared/event-store/postgres/store';
import { createLogger } from '@flowdose/shared/logger';
import { liveSchema, readCheckpoint, shadowSchema } from '@flowdose/shared/read-models';
import { createTestDatabase, type TestDatabase } from '@flowdose/testing/db';
import { spawnTs, until } from '@flowdose/testing/process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendCartHistories, cartsSnapshot, startPipeline } from './harness.test-support.ts';
import { cartsProjection } from './read-models/carts/projection.ts';
import { rebuild } from './rebuild.ts';
import { catchUp } from './run-range.ts';
import { createSchema } from './schema.ts';

const _logger = createLogger('test', 'silent');
const live = liveSchema('carts');
let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db.drop());

const schemas = async () =>
  (
    await db.pool.query<{ nspname: string }>(
      "select nspname from pg_namespace where nspname like 'rm_carts%' order by 1",
    )
  ).rows.map((r) => r.nspname);

async function expectEqualToFreshBuild(
  store: ReturnType<typeof createPostgresEventStore>,
  head: Position,
  name: string,
) {
  await until(
    async () => comparePositions((await readCheckpoint(db.pool, live)) ?? START, head) >= 0,
    30_000,
    'live at head',
  );
  await createSchema(db.pool, cartsProjection, name);
  await catchUp(db.pool, store, cartsProjection, name, head);
  expect(await cartsSnapshot(db.pool, live)).toEqual(await cartsSnapshot(db.pool, name));
}

describe('rebuild without downtime', () => {
  it('keeps every read answering from a whole model while it builds and swaps, with writes going on', async () => {
    const store = createPostgresEventStore({ pool: db.pool, connectionString: db.url });
    const { head: before } = await appendCartHistories(store, 1500, 3);
    await createSchema(db.pool, cartsProjection, live);
    await catchUp(db.pool, store, cartsProjection, live, before);
    const pipeline = await startPipeline(db.pool, store);

    const { rows } = await db.pool.query<{ cart_id: string }>(
      `select cart_id from ${live}.carts order by cart_id limit 40`,
    );
    const expected = new Map(
      await Promise.all(rows.map(async (r) => [r.cart_id, await findCart(db.pool, r.cart_id)] as const)),
    );
    const initialCount = Number((await db.pool.query(`select count(*) from ${live}.carts`)).rows[0].count);
    let reads = 0;
    const problems: string[] = [];
    let reading = true;
    const reader = async () => {
      const ids = [...expected.keys()];
      while (reading) {
        try {
          const id = ids[reads % ids.length]!;
          const cart = await findCart(db.pool, id);
          if (JSON.stringify(cart) !== JSON.stringify(expected.get(id))) problems.push(`cart ${id} differed`);
          const count = Number((await db.pool.query(`select count(*) from ${live}.carts`)).rows[0].count);
          if (count < initialCount) problems.push(`saw ${count} of ${initialCount} carts`);
          reads++;
        } catch (error) {
          problems.push(String(error));
        }
      }
    };
    const readers = [reader(), reader()];
    const writes = appendCartHistories(store, 200, 4);

    const phases = new Set<string>();
    await rebuild({
      pool: db.pool,
      store,
      queues: pipeline.queues,
      projection: cartsProjection,
      chunk: 500,
      onProgress: (p) => phases.add(p.phase),
    });
    const { head: after } = await writes;
    reading = false;
    await Promise.all(readers);

    expect(problems).toEqual([]);
    expect(reads).toBeGreaterThan(50);
    expect([...phases]).toEqual(['build', 'swap', 'done']);
    expect(await schemas()).toEqual([live]);
    await expectEqualToFreshBuild(store, after, 'fresh_after_swap');

    await pipeline.stop();
    await store.close();
  });

  it('resumes a killed rebuild from the shadow checkpoint', async () => {
    const store = createPostgresEventStore({ pool: db.pool, connectionString: db.url });
    const { head } = await appendCartHistories(store, 3000, 5);
    const env = { DATABASE_URL: db.url, QUEUE_PREFIX: `t${randomBytes(4).toString('hex')}` };
    const cli = spawnTs('projections/src/cli.ts', ['rebuild', 'carts', '--chunk=500'], env);
    const shadowAt = async () => (await readCheckpoint(db.pool, shadowSchema('carts'))) ?? START;
    await until(async () => (await shadowAt()).minor > 0n, 30_000, 'shadow under way');
    cli.child.kill('SIGKILL');
    await cli.exited;

    const killedAt = await shadowAt();
    expect(comparePositions(killedAt, head)).toBeLessThan(0);
    let firstFrom: Position | null = null;
    const { applied } = await rebuild({
      pool: db.pool,
      store,
      queues: new Map(),
      projection: cartsProjection,
      chunk: 2000,
      onProgress: (p) => {
        firstFrom ??= p.at;
      },
    });
    expect(comparePositions(firstFrom!, killedAt)).toBeGreaterThan(0);
    const { rows } = await db.pool.query<{ total: bigint; done: bigint }>(
      `select count(*) as total, count(*) filter (where (transaction_id, global_position) <= ($1::text::xid8, $2)) as done
       from events`,
      [killedAt.major.toString(), killedAt.minor],
    );
    // Exactly what the killed run had not done: nothing applied twice, nothing skipped.
    expect(BigInt(applied)).toBe(rows[0]!.total - rows[0]!.done);
    expect(rows[0]!.done).toBeGreaterThan(0n);
    const stillThere = (await db.pool.query(`select count(*) from ${live}.carts`)).rows[0].count;
    expect(Number(stillThere)).toBeGreaterThan(3000);
    expect(await schemas()).toEqual([live]);
    await expectEqualToFreshBuild(store, head, 'fresh_after_resume');
    await store.close();
  });

  it('refuses a second rebuild of the same projection while one runs', async () => {
    const store = createPostgresEventStore({ pool: db.pool, connectionString: db.url });
    const other = await db.pool.connect();
    await other.query('select pg_advisory_lock(hashtextextended($1, 2))', ['rebuild:carts']);
    await expect(
      rebuild({ pool: db.pool, store, queues: new Map(), projection: cartsProjection, lockWaitSeconds: 1 }),
    ).rejects.toThrow('a rebuild of carts is already running');
    await other.query('select pg_advisory_unlock_all()');
    other.release();
    await store.close();
  });
});
