import { randomUUID } from 'node:crypto';
import { inventoryDecider } from '@flowdose/domain/inventory/decider';
import { inventoryStream } from '@flowdose/domain/inventory/events';
import { createPostgresEventStore } from '@flowdose/shared/event-store/postgres/store';
import { readableAt } from '@flowdose/shared/event-store/readable';
import { createTestDatabase, type TestDatabase } from '@flowdose/testing/db';
import { testMetadata } from '@flowdose/testing/events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runRange } from '../../run-range.ts';
import { createSchema } from '../../schema.ts';
import { inventoryProjection } from './projection.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db.drop());

describe('inventory projection', () => {
  it('tracks on hand, reserved and available through reservations, the same when applied twice', async () => {
    const store = createPostgresEventStore({ pool: db.pool, connectionString: db.url });
    const sku = 'CAP-BLACK';
    const [r1, r2] = [randomUUID(), randomUUID()];
    const expiresAt = new Date(Date.now() + 600_000).toISOString();
    let state = inventoryDecider.initialState();
    let position = null;
    for (const command of [
      { type: 'Restock', data: { sku, quantity: 10, reason: 'delivery' } },
      { type: 'Reserve', data: { sku, reservationId: r1, quantity: 3, expiresAt } },
      { type: 'Reserve', data: { sku, reservationId: r2, quantity: 2, expiresAt } },
      { type: 'Commit', data: { sku, reservationId: r1 } },
      { type: 'Release', data: { sku, reservationId: r2, reason: 'expired' } },
      { type: 'Reserve', data: { sku, reservationId: randomUUID(), quantity: 4, expiresAt } },
    ] as const) {
      const events = inventoryDecider.decide(command, state);
      state = events.reduce(inventoryDecider.evolve, state);
      ({ position } = await store.append(
        inventoryStream(sku),
        events.map((e) => ({ id: randomUUID(), type: e.type, data: e.data, metadata: testMetadata })),
        'any',
      ));
    }
    await readableAt(store, position!);
    await createSchema(db.pool, inventoryProjection, 'inv');
    await runRange(db.pool, store, inventoryProjection, 'inv', { to: position! });
    const stock = async () => (await db.pool.query('select sku, on_hand, reserved, available from inv.stock')).rows;
    expect(await stock()).toEqual([{ sku, on_hand: 7, reserved: 4, available: 3 }]);
    expect((await db.pool.query('select count(*)::int as n from inv.reservations')).rows[0].n).toBe(1);
    expect(await runRange(db.pool, store, inventoryProjection, 'inv', { to: position! })).toBeNull();
    expect(await stock()).toEqual([{ sku, on_hand: 7, reserved: 4, available: 3 }]);
    await store.close();
  });
});
