import { liveSchema } from '@flowdose/shared/read-models';
import { createTestDatabase, type TestDatabase } from '@flowdose/testing/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRows, schemaRows, shopHistory } from '../analytics-fixture.test-support.ts';
import { shopDays } from '../shop-day.ts';
import { discountUsageProjection } from './projection.ts';
import { discountUsageByPeriod } from './queries.ts';

/** The shop's days in UTC, as the configuration has them by default. */
const projection = discountUsageProjection(shopDays('UTC'));

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db.drop());

const usage = (
  period: string,
  code: string,
  currency: string,
  uses: number,
  releasedUses: number,
  discountGiven: number,
  revenue: number,
) => ({ period, code, currency, uses, releasedUses, discountGiven, revenue });

/** A fresh schema with the events applied in chunks of `chunk` (one unless given). */
const build = (schema: string, events: ReturnType<typeof shopHistory>['events'], chunk?: number) =>
  buildRows(db.pool, projection, schema, events, { chunk });

describe('discount_usage read model', () => {
  const { events } = shopHistory();
  const range = { from: '2026-03-01', to: '2026-03-03', limit: 100 };

  it("counts each code's uses, releases, discount and revenue per day and currency", async () => {
    await build(liveSchema('discount_usage'), events);
    expect(await discountUsageByPeriod(db.pool, { ...range, granularity: 'day' })).toEqual([
      // O1: 10 % of 2500; its grand total 3294.
      usage('2026-03-01', 'SPRING10', 'EUR', 1, 0, 250, 3294),
      // O2 redeemed the code, its card was declined: the use given back the same day; no order.
      usage('2026-03-01', 'SPRING10', 'USD', 1, 1, 0, 0),
      // O4: 10 % of 900; 1566.
      usage('2026-03-02', 'SPRING10', 'EUR', 1, 0, 90, 1566),
      // O5: 5.00 off, 2874; canceled the same day, which gives its use back (its revenue
      // stays: the order was placed; sales_daily counts the cancel).
      usage('2026-03-03', 'WELCOME5', 'EUR', 1, 1, 500, 2874),
    ]);
    // 1 March is a Sunday: its week began on 23 February.
    expect(await discountUsageByPeriod(db.pool, { ...range, granularity: 'week' })).toEqual([
      usage('2026-02-23', 'SPRING10', 'EUR', 1, 0, 250, 3294),
      usage('2026-02-23', 'SPRING10', 'USD', 1, 1, 0, 0),
      usage('2026-03-02', 'SPRING10', 'EUR', 1, 0, 90, 1566),
      usage('2026-03-02', 'WELCOME5', 'EUR', 1, 1, 500, 2874),
    ]);
    // One code, in any case; the month: O1 and O4 in EUR.
    expect(await discountUsageByPeriod(db.pool, { ...range, code: 'spring10', granularity: 'month' })).toEqual([
      usage('2026-03-01', 'SPRING10', 'EUR', 2, 0, 250 + 90, 3294 + 1566),
      usage('2026-03-01', 'SPRING10', 'USD', 1, 1, 0, 0),
    ]);
    expect(
      await discountUsageByPeriod(db.pool, { ...range, code: 'Spring10', currency: 'USD', granularity: 'day' }),
    ).toEqual([usage('2026-03-01', 'SPRING10', 'USD', 1, 1, 0, 0)]);
    expect(await discountUsageByPeriod(db.pool, { ...range, code: 'NOSUCHCODE', granularity: 'day' })).toEqual([]);
    expect(await discountUsageByPeriod(db.pool, { ...range, to: '2026-03-01', granularity: 'day' })).toHaveLength(2);
  });

  it('gives the same tables rebuilt, with every event applied twice, and in any order', async () => {
    const built = await schemaRows(db.pool, liveSchema('discount_usage'));
    expect(Object.keys(built)).toEqual(['discount_usage', 'discount_usage_orders', 'discount_usage_uses']);
    expect(await build('rm_discount_usage_again', events)).toEqual(built);
    expect(
      await build(
        'rm_discount_usage_twice',
        events.flatMap((e) => [e, e]),
      ),
    ).toEqual(built);
    // Redemptions before the checkout that tells their currency wait for it, then count.
    expect(await build('rm_discount_usage_reversed', [...events].reverse())).toEqual(built);
  });

  it('gives the same tables whatever the chunks: each event alone, duplicates and disorder across chunks', async () => {
    const built = await schemaRows(db.pool, liveSchema('discount_usage'));
    expect(await build('rm_discount_usage_one_by_one', events, 1)).toEqual(built);
    // A redemption chunks before the checkout that tells its currency, an order placed again.
    expect(await build('rm_discount_usage_reversed_chunks', [...events].reverse(), 4)).toEqual(built);
    expect(
      await build(
        'rm_discount_usage_twice_chunks',
        events.flatMap((e) => [e, e]),
        3,
      ),
    ).toEqual(built);
    expect(await build('rm_discount_usage_replayed', [...events, ...events], events.length)).toEqual(built);
  });
});
