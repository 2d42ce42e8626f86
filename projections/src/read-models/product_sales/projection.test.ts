import { liveSchema } from '@flowdose/shared/read-models';
import { createTestDatabase, type TestDatabase } from '@flowdose/testing/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSchema } from '../../schema.ts';
import { applyAll, buildRows, orderHistory, tableRows } from '../analytics-fixture.test-support.ts';
import { catalogProjection } from '../catalog/projection.ts';
import { shopDays } from '../shop-day.ts';
import { productSalesProjection } from './projection.ts';
import { topProductSales } from './queries.ts';

/** The shop's days in UTC, as the configuration has them by default. */
const projection = productSalesProjection(shopDays('UTC'));

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db.drop());

const unknown = { productId: null, title: null, category: null };

describe('product_sales read model', () => {
  it('counts units and revenue per SKU and shares refunds among the lines pro rata', async () => {
    const { events } = orderHistory();
    const schema = liveSchema('product_sales');
    // An empty catalog: the SKUs are sold but no product names them (any more).
    await createSchema(db.pool, catalogProjection, liveSchema('catalog'));
    await createSchema(db.pool, projection, schema);
    await applyAll(db.pool, projection, schema, events);
    const range = { from: '2026-03-01', to: '2026-03-03', by: 'variant', limit: 10 } as const;

    // A's refund of 1000 over CAP-BLACK (2400 − 400 = 2000) and MUG-WHITE (2 × 1250 = 2500):
    // 1000 × 2000 / 4500 = 444 and the rest, 556. D holds MUG-WHITE twice: 1000 + 1250.
    expect(await topProductSales(db.pool, { ...range, currency: 'EUR' })).toEqual([
      { sku: 'HOODIE-GREY-M', ...unknown, units: 1, revenue: 4999, refunds: 0, net: 4999 },
      { sku: 'MUG-WHITE', ...unknown, units: 4, revenue: 4750, refunds: 556, net: 4194 },
      { sku: 'CAP-BLACK', ...unknown, units: 1, revenue: 2000, refunds: 444, net: 1556 },
    ]);
    // B's refund includes its shipping, all on its one SKU.
    expect(await topProductSales(db.pool, { ...range, currency: 'USD' })).toEqual([
      { sku: 'MUG-WHITE', ...unknown, units: 3, revenue: 4170, refunds: 4770, net: -600 },
    ]);
    expect(await topProductSales(db.pool, { ...range, currency: 'EUR', limit: 1 })).toHaveLength(1);
    expect(await topProductSales(db.pool, { ...range, currency: 'EUR', by: 'category' })).toEqual([
      { sku: null, ...unknown, units: 6, revenue: 11749, refunds: 1000, net: 10749 },
    ]);
    // Only the first day: A's refund fell on the second.
    expect(await topProductSales(db.pool, { ...range, to: '2026-03-01', currency: 'EUR', by: 'category' })).toEqual([
      { sku: null, ...unknown, units: 4, revenue: 9499, refunds: 0, net: 9499 },
    ]);

    const rebuilt = 'rm_product_sales_again';
    await createSchema(db.pool, projection, rebuilt);
    await applyAll(db.pool, projection, rebuilt, events);
    for (const table of ['product_sales', 'product_sales_lines']) {
      expect(await tableRows(db.pool, `${rebuilt}.${table}`)).toEqual(await tableRows(db.pool, `${schema}.${table}`));
    }
  });

  it('reads whole months from their monthly rows and the days around them from the daily ones', async () => {
    // Orders on 1 to 3 March, refunds on 2 and 3 March: ranges with and without whole months.
    const { events } = orderHistory();
    const schema = liveSchema('product_sales');
    await db.pool.query(`drop schema if exists ${schema} cascade`);
    await createSchema(db.pool, projection, schema);
    await applyAll(db.pool, projection, schema, events, { chunk: 3 });
    const perDay = async (from: string, to: string, currency: string) =>
      (
        await db.pool.query(
          `select sku, sum(units)::int as units, sum(revenue)::int as revenue, sum(refunds)::int as refunds
           from ${schema}.product_sales where currency = $3 and day between $1 and $2
           group by sku order by sum(revenue) desc, sku`,
          [from, to, currency],
        )
      ).rows;
    const ranges = [
      ['2026-03-01', '2026-03-31'],
      ['2026-02-01', '2026-03-31'],
      ['2026-02-15', '2026-04-10'],
      ['2026-03-02', '2026-04-30'],
      ['2026-03-01', '2026-03-02'],
      ['2026-01-01', '2026-12-31'],
    ];
    for (const [from, to] of ranges) {
      for (const currency of ['EUR', 'USD'] as const) {
        const top = await topProductSales(db.pool, { from: from!, to: to!, currency, by: 'variant', limit: 10 });
        expect(
          top.map(({ sku, units, revenue, refunds }) => ({ sku, units, revenue, refunds })),
          `${from}..${to} ${currency}`,
        ).toEqual(await perDay(from!, to!, currency));
      }
    }
    // The monthly rows hold March's figures.
    const march = await db.pool.query(
      `select currency, sum(units)::int as units, sum(revenue)::int as revenue, sum(refunds)::int as refunds
       from ${schema}.product_sales_months where month = '2026-03-01' group by currency order by currency`,
    );
    expect(march.rows).toEqual([
      { currency: 'EUR', units: 6, revenue: 11749, refunds: 1000 },
      { currency: 'USD', units: 3, revenue: 4170, refunds: 4770 },
    ]);
  });

  it('gives the same tables whatever the chunks: a refund with its order in one, or apart', async () => {
    const { events } = orderHistory();
    const whole = await buildRows(db.pool, projection, 'rm_product_sales_whole', events);
    for (const chunk of [1, 2, 4]) {
      const rebuilt = await buildRows(db.pool, projection, `rm_product_sales_by_${chunk}`, events, {
        chunk,
      });
      expect(rebuilt, `chunks of ${chunk}`).toEqual(whole);
    }
    // Two refunds of one order in one chunk are each shared as they would be alone.
    const { events: twice, ids } = orderHistory();
    const refund = twice.find((e) => e.type === 'OrderRefunded' && e.streamId.endsWith(ids.a))!;
    const again = { ...refund, id: crypto.randomUUID() };
    const withSecond = [...twice.slice(0, twice.indexOf(refund) + 1), again, ...twice.slice(twice.indexOf(refund) + 1)];
    const together = 'rm_product_sales_two_refunds';
    expect(await buildRows(db.pool, projection, together, withSecond)).toEqual(
      await buildRows(db.pool, projection, 'rm_product_sales_two_refunds_apart', withSecond, { chunk: 1 }),
    );
    const refunds = await db.pool.query(
      `select sku, refunds from ${together}.product_sales where refunds > 0 and currency = 'EUR' order by sku`,
    );
    expect(refunds.rows).toEqual([
      { sku: 'CAP-BLACK', refunds: 888n },
      { sku: 'MUG-WHITE', refunds: 1112n },
    ]);
  });
});
