import { liveSchema } from '@flowdose/shared/read-models';
import { createTestDatabase, type TestDatabase } from '@flowdose/testing/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSchema } from '../../schema.ts';
import { applyAll, buildRows, orderHistory, schemaRows } from '../analytics-fixture.test-support.ts';
import { shopDays } from '../shop-day.ts';
import { salesDailyProjection } from './projection.ts';
import { salesByPeriod } from './queries.ts';

/** The shop's days in UTC, as the configuration has them by default. */
const projection = salesDailyProjection(shopDays('UTC'));

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db.drop());

const zero = {
  orders: 0,
  items: 0,
  subtotal: 0,
  discounts: 0,
  shipping: 0,
  tax: 0,
  gross: 0,
  averageOrderValue: 0,
  newCustomers: 0,
  returningCustomers: 0,
};
const none = { refunds: 0, canceledOrders: 0, canceled: 0 };

describe('sales_daily read model', () => {
  it('sums orders on their day, refunds and cancels on theirs, per currency, by day, week and month', async () => {
    const { events } = orderHistory();
    const schema = liveSchema('sales_daily');
    await createSchema(db.pool, projection, schema);
    await applyAll(db.pool, projection, schema, events);
    const range = { from: '2026-03-01', to: '2026-03-03', limit: 100 };

    expect(await salesByPeriod(db.pool, { ...range, granularity: 'day' })).toEqual([
      // A (5994) and C (5999, placed 23:30 UTC); AOV 11993 / 2 rounded. Ada (A, as a guest)
      // and Bea (C, her account) order for the first time.
      {
        period: '2026-03-01',
        currency: 'EUR',
        orders: 2,
        items: 4,
        subtotal: 9899,
        discounts: 400,
        shipping: 495,
        tax: 1999,
        gross: 11993,
        ...none,
        net: 11993,
        averageOrderValue: 5997,
        newCustomers: 2,
        returningCustomers: 0,
      },
      {
        period: '2026-03-01',
        currency: 'USD',
        orders: 1,
        items: 3,
        subtotal: 4170,
        discounts: 0,
        shipping: 600,
        tax: 0,
        gross: 4770,
        ...none,
        net: 4770,
        averageOrderValue: 4770,
        // Ada again (her e-mail in lower case): she had ordered in EUR an hour before.
        newCustomers: 0,
        returningCustomers: 1,
      },
      // A's refund of 1000, C canceled unpaid: its whole total is taken off.
      {
        period: '2026-03-02',
        currency: 'EUR',
        ...zero,
        refunds: 1000,
        canceledOrders: 1,
        canceled: 5999,
        net: -6999,
      },
      {
        period: '2026-03-03',
        currency: 'EUR',
        orders: 1,
        items: 2,
        subtotal: 2500,
        discounts: 250,
        shipping: 495,
        tax: 0,
        gross: 2745,
        ...none,
        net: 2745,
        averageOrderValue: 2745,
        // Ada, two days after her first order.
        newCustomers: 0,
        returningCustomers: 1,
      },
      // B canceled after it was paid: refunded in full, so nothing more is taken off.
      { period: '2026-03-03', currency: 'USD', ...zero, refunds: 4770, canceledOrders: 1, canceled: 0, net: -4770 },
    ]);

    // 1 March 2026 is a Sunday: its week began on 23 February.
    const weeks = await salesByPeriod(db.pool, { ...range, currency: 'EUR', granularity: 'week' });
    expect(weeks.map((w) => [w.period, w.orders, w.gross, w.net, w.newCustomers, w.returningCustomers])).toEqual([
      ['2026-02-23', 2, 11993, 11993, 2, 0],
      ['2026-03-02', 1, 2745, 2745 - 1000 - 5999, 0, 1],
    ]);
    expect(await salesByPeriod(db.pool, { ...range, currency: 'EUR', granularity: 'month' })).toEqual([
      {
        period: '2026-03-01',
        currency: 'EUR',
        orders: 3,
        items: 6,
        subtotal: 12399,
        discounts: 650,
        shipping: 990,
        tax: 1999,
        gross: 14738,
        refunds: 1000,
        canceledOrders: 1,
        canceled: 5999,
        net: 14738 - 1000 - 5999,
        averageOrderValue: 4913,
        newCustomers: 2,
        returningCustomers: 1,
      },
    ]);
    // The range is of days, both included.
    const second = await salesByPeriod(db.pool, { ...range, from: '2026-03-02', to: '2026-03-02', granularity: 'day' });
    expect(second.map((d) => d.period)).toEqual(['2026-03-02']);

    // A rebuild from the same events gives the same rows.
    const tables = await schemaRows(db.pool, schema);
    expect(Object.keys(tables)).toEqual(['sales_customer_days', 'sales_customers', 'sales_daily', 'sales_orders']);
    expect(await buildRows(db.pool, projection, 'rm_sales_daily_again', events)).toEqual(tables);
  });

  it('gives the same tables whatever the chunks: an order with its refund and cancel in one, or each alone', async () => {
    const { events } = orderHistory();
    const tables = await buildRows(db.pool, projection, 'rm_sales_daily_whole', events);
    for (const chunk of [1, 2, 3, 5]) {
      const rebuilt = await buildRows(db.pool, projection, `rm_sales_daily_by_${chunk}`, events, { chunk });
      expect(rebuilt, `chunks of ${chunk}`).toEqual(tables);
    }
  });

  it('counts a refund or cancel before its order nowhere, in the same chunk as in another', async () => {
    const { events, ids } = orderHistory();
    // C's cancel and A's refund moved before their orders: applied one at a time, they found
    // no order then.
    const early = events.filter((e) => e.type !== 'OrderPlaced' && [ids.a, ids.c].includes(e.streamId.slice(6)));
    const reordered = [...early, ...events.filter((e) => !early.includes(e))];
    const byOne = await buildRows(db.pool, projection, 'rm_sales_daily_early_by_one', reordered, {
      chunk: 1,
    });
    const together = await buildRows(db.pool, projection, 'rm_sales_daily_early_together', reordered);
    expect(together).toEqual(byOne);
    const day2 = together.sales_daily!.filter((r) => (r as { day: Date }).day.getDate() === 2);
    expect(day2).toEqual([]);
  });
});
