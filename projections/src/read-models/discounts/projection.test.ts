import { discountStream } from '@flowdose/domain/discount/events';
import { createPostgresEventStore } from '@flowdose/shared/event-store/postgres/store';
import { readableAt } from '@flowdose/shared/event-store/readable';
import { liveSchema } from '@flowdose/shared/read-models';
import { createTestDatabase, type TestDatabase } from '@flowdose/testing/db';
import { testMetadata } from '@flowdose/testing/events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runRange } from '../../run-range.ts';
import { createSchema } from '../../schema.ts';
import { discountsProjection } from './projection.ts';
import { listDiscounts } from './queries.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db.drop());

const event = (type: string, data: object) => ({ id: crypto.randomUUID(), type, data, metadata: testMetadata });

describe('discounts read model', () => {
  it('counts uses net of those given back, and answers codes in the shapes they were created with', async () => {
    const store = createPostgresEventStore({ pool: db.pool, connectionString: db.url });
    const [first, second, third] = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()];
    await store.append(
      discountStream('TENOFF'),
      [
        event('DiscountCreated', {
          code: 'TENOFF',
          value: { kind: 'fixed', amountOff: { EUR: 1000, USD: 1100 } },
          minimumSubtotal: { EUR: 5000 },
          validFrom: '2026-01-01T00:00:00.000Z',
          validUntil: null,
          usageLimit: 100,
        }),
        event('DiscountRedeemed', { code: 'TENOFF', orderId: first }),
        event('DiscountRedeemed', { code: 'TENOFF', orderId: second }),
        event('DiscountRedemptionReleased', { code: 'TENOFF', orderId: first, reason: 'declined' }),
        event('DiscountRedeemed', { code: 'TENOFF', orderId: third }),
      ],
      'no_stream',
    );
    const { position } = await store.append(
      discountStream('HALF'),
      [
        event('DiscountCreated', {
          code: 'HALF',
          value: { kind: 'percent', percent: 50 },
          minimumSubtotal: {},
          validFrom: null,
          validUntil: null,
          usageLimit: null,
        }),
        event('DiscountDisabled', { code: 'HALF', reason: 'leaked' }),
      ],
      'no_stream',
    );
    await readableAt(store, position);
    const schema = liveSchema('discounts');
    await createSchema(db.pool, discountsProjection, schema);
    await runRange(db.pool, store, discountsProjection, schema, { to: position });

    const all = await listDiscounts(db.pool, { limit: 10 });
    expect(all.items).toEqual([
      expect.objectContaining({ code: 'HALF', value: { kind: 'percent', percent: 50 }, disabled: true, uses: 0 }),
      expect.objectContaining({
        code: 'TENOFF',
        value: { kind: 'fixed', amountOff: { EUR: 1000, USD: 1100 } },
        minimum: { EUR: 5000 },
        startsAt: '2026-01-01T00:00:00.000Z',
        endsAt: null,
        usageLimit: 100,
        uses: 2,
        releasedUses: 1,
        disabled: false,
      }),
    ]);
    const firstPage = await listDiscounts(db.pool, { limit: 1 });
    const rest = await listDiscounts(db.pool, { limit: 1, after: firstPage.last! });
    expect([...firstPage.items, ...rest.items]).toEqual(all.items);
    expect([firstPage.more, rest.more]).toEqual([true, false]);

    expect(await runRange(db.pool, store, discountsProjection, schema, { to: position })).toBeNull();
    expect((await listDiscounts(db.pool, { limit: 10 })).items).toEqual(all.items);
    await store.close();
  });
});
