import { customerStream } from '@flowdose/domain/customer/events';
import { orderPlacedV1 } from '@flowdose/domain/events.test-support';
import { orderStream } from '@flowdose/domain/order/events';
import { createPostgresEventStore } from '@flowdose/shared/event-store/postgres/store';
import { readableAt } from '@flowdose/shared/event-store/readable';
import { liveSchema } from '@flowdose/shared/read-models';
import { createTestDatabase, type TestDatabase } from '@flowdose/testing/db';
import { testMetadata } from '@flowdose/testing/events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runRange } from '../../run-range.ts';
import { createSchema } from '../../schema.ts';
import { customersProjection } from './projection.ts';
import { addressesOf, findCustomer, listCustomers } from './queries.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db.drop());

const event = (type: string, data: object, schemaVersion = 1) => ({
  id: crypto.randomUUID(),
  type,
  data,
  metadata: { ...testMetadata, schemaVersion },
});

describe('customers read model', () => {
  it('counts the orders each customer placed from two kinds of stream, the same when applied twice', async () => {
    const store = createPostgresEventStore({ pool: db.pool, connectionString: db.url });
    const [ada, bob] = [crypto.randomUUID(), crypto.randomUUID()];
    await store.append(
      customerStream(ada),
      [event('CustomerRegistered', { customerId: ada, email: 'Ada@Example.com' })],
      'no_stream',
    );
    await store.append(
      customerStream(bob),
      [event('CustomerRegistered', { customerId: bob, email: 'bob@example.com' })],
      'no_stream',
    );
    // Two orders of Ada's (one written at the order stream's first schema version), one guest order.
    const placed = (customerId: string | null) => ({ ...orderPlacedV1(), customerId });
    for (const data of [placed(ada), placed(ada), placed(null)]) {
      await store.append(orderStream(data.orderId), [event('OrderPlaced', data)], 'no_stream');
    }
    const { position } = await store.append(
      orderStream(crypto.randomUUID()),
      [event('OrderPlaced', { ...placed(ada), paymentId: 'pay_1' }, 2)],
      'no_stream',
    );
    await readableAt(store, position);
    await createSchema(db.pool, customersProjection, liveSchema('customers'));
    await runRange(db.pool, store, customersProjection, liveSchema('customers'), { to: position });

    const adaRow = await findCustomer(db.pool, ada);
    expect(adaRow).toMatchObject({ customerId: ada, email: 'Ada@Example.com', orders: 3 });
    expect(adaRow?.lastOrderAt).not.toBeNull();
    expect(await findCustomer(db.pool, bob)).toMatchObject({ orders: 0, lastOrderAt: null });
    expect((await listCustomers(db.pool, { email: 'ADA@', limit: 10 })).items.map((c) => c.customerId)).toEqual([ada]);
    const firstPage = await listCustomers(db.pool, { limit: 1 });
    expect(firstPage.items.map((c) => c.customerId)).toEqual([bob]);
    expect(firstPage.more).toBe(true);
    const secondPage = await listCustomers(db.pool, { limit: 1, after: firstPage.last! });
    expect([secondPage.items.map((c) => c.customerId), secondPage.more]).toEqual([[ada], false]);

    expect(await runRange(db.pool, store, customersProjection, liveSchema('customers'), { to: position })).toBeNull();
    expect(await findCustomer(db.pool, ada)).toEqual(adaRow);
    await store.close();
  });

  it('keeps each customer its address book, the same when applied twice', async () => {
    const store = createPostgresEventStore({ pool: db.pool, connectionString: db.url });
    const ada = crypto.randomUUID();
    const [home, work] = [crypto.randomUUID(), crypto.randomUUID()];
    const address = {
      name: 'Ada',
      line1: '1 Lane',
      line2: 'Flat 2',
      city: 'Berlin',
      postalCode: '10115',
      country: 'DE',
    };
    const { position } = await store.append(
      customerStream(ada),
      [
        event('CustomerRegistered', { customerId: ada, email: 'ada@example.com' }),
        event('CustomerAddressSaved', { customerId: ada, addressId: home, address }),
        event('CustomerAddressSaved', { customerId: ada, addressId: work, address: { ...address, city: 'Bonn' } }),
        event('CustomerAddressChanged', {
          customerId: ada,
          addressId: home,
          address: { name: 'Ada', line1: '2 Lane', city: 'Berlin', postalCode: '10115', country: 'DE' },
        }),
        event('CustomerAddressRemoved', { customerId: ada, addressId: work }),
      ],
      'no_stream',
    );
    await readableAt(store, position);
    await runRange(db.pool, store, customersProjection, liveSchema('customers'), { to: position });

    const book = await addressesOf(db.pool, ada);
    expect(book).toEqual([
      { addressId: home, name: 'Ada', line1: '2 Lane', city: 'Berlin', postalCode: '10115', country: 'DE' },
    ]);
    expect(book[0]?.line2).toBeUndefined();
    expect(await addressesOf(db.pool, crypto.randomUUID())).toEqual([]);

    expect(await runRange(db.pool, store, customersProjection, liveSchema('customers'), { to: position })).toBeNull();
    expect(await addressesOf(db.pool, ada)).toEqual(book);
    await store.close();
  });
});
