import { randomBytes, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { liveSchema, shadowSchema } from '@flowdose/shared/read-models';
import { createTestDatabase, type TestDatabase } from '@flowdose/testing/db';
import { spawnTs } from '@flowdose/testing/process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cartsProjection } from './read-models/carts/projection.ts';
import { projections } from './registry.ts';
import { createSchema } from './schema.ts';
import { resetwalTarget, transactionIdRefusal } from './xid-guard.ts';

let db: TestDatabase;
beforeEach(async () => {
  db = await createTestDatabase();
});
afterEach(async () => db.drop());

const schemas = projections.flatMap((p) => [liveSchema(p.name), shadowSchema(p.name)]);

const serverNext = async () =>
  BigInt(
    (await db.pool.query<{ next: string }>('select pg_snapshot_xmax(pg_current_snapshot())::text as next')).rows[0]!
      .next,
  );

/** An event as a dump of a busier cluster would bring it: its transaction id is the old cluster's. */
const restoreEventAt = (xid: bigint) =>
  db.pool.query(
    `insert into events (transaction_id, stream_id, stream_position, event_id, type, data, metadata)
     values ($1::text::xid8, $2, 1, $3, 'CartOpened', '{}', '{}')`,
    [xid.toString(), `cart-${randomUUID()}`, randomUUID()],
  );

describe('the transaction id guard', () => {
  it('never refuses a healthy database while events are being appended (a restart under load)', async () => {
    let appending = true;
    const writer = (async () => {
      while (appending)
        await db.pool.query(
          `insert into events (stream_id, stream_position, event_id, type, data, metadata)
           values ($1, 1, $2, 'CartOpened', '{}', '{}')`,
          [`cart-${randomUUID()}`, randomUUID()],
        );
    })();
    try {
      for (let i = 0; i < 100; i++) expect(await transactionIdRefusal(db.pool, schemas)).toBeNull();
    } finally {
      appending = false;
      await writer;
    }
  });

  it('lets a database whose positions are all behind the server start', async () => {
    await createSchema(db.pool, cartsProjection, liveSchema('carts'));
    await db.pool.query(
      `insert into events (stream_id, stream_position, event_id, type, data, metadata)
       values ('cart-a', 1, $1, 'CartOpened', '{}', '{}')`,
      [randomUUID()],
    );
    expect(await transactionIdRefusal(db.pool, schemas)).toBeNull();
  });

  it('refuses a restored event log ahead of the server, naming pg_resetwal with a target above it', async () => {
    // Epoch 1 and 0x2FFFFF: past this cluster's counter, and the target rounds up to 0x300000.
    const stored = (1n << 32n) + 0x2fffffn;
    expect(await serverNext()).toBeLessThan(stored);
    await restoreEventAt(stored);
    const refusal = await transactionIdRefusal(db.pool, schemas);
    expect(refusal).toContain(`events at ${stored}`);
    expect(refusal).toContain('pg_resetwal -e 1 -x 3145728 -D <data directory>');
  });

  it('refuses a restored checkpoint ahead of the server', async () => {
    const stored = 0x12345678n;
    expect(await serverNext()).toBeLessThan(stored);
    await createSchema(db.pool, cartsProjection, liveSchema('carts'));
    await db.pool.query(`update ${liveSchema('carts')}.checkpoint set major = $1, minor = 7`, [stored]);
    const refusal = await transactionIdRefusal(db.pool, schemas);
    expect(refusal).toContain(`rm_carts.checkpoint at ${stored}`);
    expect(refusal).toContain(`pg_resetwal -x ${0x12400000} -D`);
  });

  it('stops the projections service from starting on such a database', async () => {
    await restoreEventAt((await serverNext()) + 5_000_000n);
    const service = spawnTs('projections/src/main.ts', [], {
      DATABASE_URL: db.url,
      QUEUE_PREFIX: `t${randomBytes(4).toString('hex')}`,
      PROJECTIONS_PORT: '0',
    });
    const exit = await Promise.race([service.exited, sleep(20_000).then(() => 'still running')]);
    if (exit === 'still running') service.child.kill('SIGKILL');
    expect(exit).toBe(1);
    expect(service.output()).toContain('pg_resetwal');
    // It stopped before creating anything.
    const created = await db.pool.query("select 1 from pg_namespace where nspname like 'rm\\_%'");
    expect(created.rowCount).toBe(0);
  });

  it('aims pg_resetwal at a segment boundary above the stored id, across an epoch too', () => {
    expect(resetwalTarget(5n)).toEqual({ epoch: 0n, xid: 0x100000n });
    expect(resetwalTarget(0xfffffn)).toEqual({ epoch: 0n, xid: 0x100000n });
    expect(resetwalTarget(0x100000n)).toEqual({ epoch: 0n, xid: 0x200000n });
    expect(resetwalTarget(0xfffffffen)).toEqual({ epoch: 1n, xid: 0x100000n });
    expect(resetwalTarget(0xffffffffn)).toEqual({ epoch: 1n, xid: 0x100000n });
  });
});
