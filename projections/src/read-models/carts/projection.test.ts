import { createPostgresEventStore } from '@flowdose/shared/event-store/postgres/store';
import { readableAt } from '@flowdose/shared/event-store/readable';
import { createTestDatabase, type TestDatabase } from '@flowdose/testing/db';
import { testMetadata } from '@flowdose/testing/events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendCartHistories, cartsSnapshot } from '../../harness.test-support.ts';
import { runRange } from '../../run-range.ts';
import { createSchema } from '../../schema.ts';
import { cartsProjection } from './projection.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db.drop());

describe('carts projection', () => {
  it('applying the same range twice leaves identical rows', async () => {
    const store = createPostgresEventStore({ pool: db.pool, connectionString: db.url });
    const { head } = await appendCartHistories(store, 40);
    await createSchema(db.pool, cartsProjection, 'p_once');
    const first = await runRange(db.pool, store, cartsProjection, 'p_once', { to: head });
    expect(first?.applied).toBeGreaterThan(100);
    const after = await cartsSnapshot(db.pool, 'p_once');
    expect(await runRange(db.pool, store, cartsProjection, 'p_once', { to: head })).toBeNull();
    expect(await cartsSnapshot(db.pool, 'p_once')).toEqual(after);

    // Built again in small overlapping pieces: the same rows.
    await createSchema(db.pool, cartsProjection, 'p_pieces');
    for (let i = 0; i < 100; i++) {
      if (!(await runRange(db.pool, store, cartsProjection, 'p_pieces', { to: head, maxEvents: 7 }))) break;
    }
    expect(await cartsSnapshot(db.pool, 'p_pieces')).toEqual(after);
    await store.close();
  });

  it('shows what the cart events say', async () => {
    const store = createPostgresEventStore({ pool: db.pool, connectionString: db.url });
    const cartId = '0190b8a0-0000-7000-8000-0000000000c1';
    const line = '0190b8a0-0000-7000-8000-0000000000d1';
    const ev = (type: string, data: object) => ({
      id: crypto.randomUUID(),
      type,
      data: { cartId, ...data },
      metadata: testMetadata,
    });
    const { position } = await store.append(
      `cart-${cartId}`,
      [
        ev('CartOpened', { currency: 'GBP' }),
        ev('CartItemAdded', {
          lineId: line,
          sku: 'MUG-WHITE',
          quantity: 2,
          unitPrice: { amount: 1100, currency: 'GBP' },
        }),
        ev('CartItemQuantityChanged', { lineId: line, quantity: 5 }),
      ],
      'no_stream',
    );
    await createSchema(db.pool, cartsProjection, 'p_one');
    await readableAt(store, position);
    await runRange(db.pool, store, cartsProjection, 'p_one', { to: position });
    const { rows } = await db.pool.query(
      'select c.status, c.currency, c.version, l.sku, l.quantity, l.unit_price from p_one.carts c join p_one.cart_lines l using (cart_id) where cart_id = $1',
      [cartId],
    );
    expect(rows).toEqual([
      { status: 'open', currency: 'GBP', version: 3n, sku: 'MUG-WHITE', quantity: 5, unit_price: 1100n },
    ]);
    await store.close();
  });
});
