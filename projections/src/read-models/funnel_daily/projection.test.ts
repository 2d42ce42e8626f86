import { liveSchema } from '@flowdose/shared/read-models';
import { createTestDatabase, type TestDatabase } from '@flowdose/testing/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRows, schemaRows, shopHistory } from '../analytics-fixture.test-support.ts';
import { shopDays } from '../shop-day.ts';
import { funnelDailyProjection } from './projection.ts';
import { funnelByPeriod, funnelSql } from './queries.ts';

/** The shop's days in UTC, as the configuration has them by default. */
const projection = funnelDailyProjection(shopDays('UTC'));

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db.drop());

const steps = (
  cartsOpened: number,
  cartsWithItems: number,
  checkoutsStarted: number,
  ordersPlaced: number,
  ordersPaid: number,
) => ({
  cartsOpened,
  cartsWithItems,
  checkoutsStarted,
  ordersPlaced,
  ordersPaid,
});
const rates = (
  toItems: number | null,
  toCheckout: number | null,
  toOrder: number | null,
  toPaid: number | null,
  overall: number | null,
) => ({
  toItems,
  toCheckout,
  toOrder,
  toPaid,
  overall,
});

/** A fresh schema with the events applied in the order given, in chunks of `chunk` (one unless given). */
const build = (schema: string, events: ReturnType<typeof shopHistory>['events'], chunk?: number) =>
  buildRows(db.pool, projection, schema, events, { chunk });

describe('funnel_daily read model', () => {
  const { events } = shopHistory();
  const range = { from: '2026-03-01', to: '2026-03-03', limit: 100 };

  it("follows each day's carts through items, checkout, order and payment, by day, week and month", async () => {
    await build(liveSchema('funnel_daily'), events);

    expect(await funnelByPeriod(db.pool, { ...range, granularity: 'day' })).toEqual([
      // k1 paid (captured the next day: it counts in k1's cohort), k2 left with items, k3 empty.
      { period: '2026-03-01', currency: 'EUR', ...steps(3, 2, 1, 1, 1), ...rates(0.6667, 0.5, 1, 1, 0.3333) },
      // k4: two checkouts (the first declined), one cart: counted once; its order never captured.
      { period: '2026-03-01', currency: 'USD', ...steps(1, 1, 1, 1, 0), ...rates(1, 1, 1, 0, 0) },
      // k6 (paid), k9 and k10 (items); k5 was merged into k6, so it left this cohort.
      { period: '2026-03-02', currency: 'EUR', ...steps(3, 3, 1, 1, 1), ...rates(1, 0.3333, 1, 1, 0.3333) },
      // k8, opened and nothing more: no step after an empty one has a rate.
      { period: '2026-03-02', currency: 'USD', ...steps(1, 0, 0, 0, 0), ...rates(0, null, null, null, 0) },
      // k7: placed, then canceled unpaid.
      { period: '2026-03-03', currency: 'EUR', ...steps(1, 1, 1, 1, 0), ...rates(1, 1, 1, 0, 0) },
    ]);

    // 1 March 2026 is a Sunday: its week began on 23 February; 2 and 3 March are the next.
    expect(await funnelByPeriod(db.pool, { ...range, currency: 'EUR', granularity: 'week' })).toEqual([
      { period: '2026-02-23', currency: 'EUR', ...steps(3, 2, 1, 1, 1), ...rates(0.6667, 0.5, 1, 1, 0.3333) },
      // k6, k9, k10, k7: 4 opened, 4 with items, 2 checkouts and orders (k6, k7), 1 paid (k6).
      { period: '2026-03-02', currency: 'EUR', ...steps(4, 4, 2, 2, 1), ...rates(1, 0.5, 1, 0.5, 0.25) },
    ]);
    // The month: 7 carts, 6 with items (not k3), 3 checkouts and orders (k1, k6, k7), 2 paid.
    // 6 / 7 = 0.857142…, 2 / 3 = 0.666…, 2 / 7 = 0.285714…
    expect(await funnelByPeriod(db.pool, { ...range, currency: 'EUR', granularity: 'month' })).toEqual([
      { period: '2026-03-01', currency: 'EUR', ...steps(7, 6, 3, 3, 2), ...rates(0.8571, 0.5, 1, 0.6667, 0.2857) },
    ]);
    // The range is of opening days, both included.
    const second = await funnelByPeriod(db.pool, {
      ...range,
      from: '2026-03-02',
      to: '2026-03-02',
      granularity: 'day',
    });
    expect(second.map((b) => [b.period, b.currency])).toEqual([
      ['2026-03-02', 'EUR'],
      ['2026-03-02', 'USD'],
    ]);
    expect(await funnelByPeriod(db.pool, { ...range, granularity: 'day', limit: 1 })).toHaveLength(1);
  });

  it('gives the same tables rebuilt, with every event applied twice, and in any order', async () => {
    const built = await schemaRows(db.pool, liveSchema('funnel_daily'));
    expect(Object.keys(built)).toEqual(['funnel_carts', 'funnel_counts', 'funnel_orders']);
    expect(await build('rm_funnel_again', events)).toEqual(built);
    // A job retried over the same events (the checkpoint normally stops this) moves nothing.
    expect(
      await build(
        'rm_funnel_twice',
        events.flatMap((e) => [e, e]),
      ),
    ).toEqual(built);
    // Steps before their cart's CartOpened, a capture before its order, a merge first…
    expect(await build('rm_funnel_reversed', [...events].reverse())).toEqual(built);
    let seed = 7;
    const shuffled = events
      .map((e) => {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        return [seed, e] as const;
      })
      .sort((a, b) => a[0] - b[0])
      .map(([, e]) => e);
    expect(await build('rm_funnel_shuffled', shuffled)).toEqual(built);
  });

  it('gives the same tables whatever the chunks: each event alone, duplicates and disorder across chunks', async () => {
    const built = await schemaRows(db.pool, liveSchema('funnel_daily'));
    // Each event its own chunk, as a live worker applies a trickle.
    expect(await build('rm_funnel_one_by_one', events, 1)).toEqual(built);
    // Reversed in chunks of 7: a cart's steps come chunks before its CartOpened, its merge
    // before its items, a capture before its order (the counts move as each arrives).
    expect(await build('rm_funnel_reversed_chunks', [...events].reverse(), 7)).toEqual(built);
    // Every event twice, the copies in the same chunk or in the next one.
    expect(
      await build(
        'rm_funnel_twice_chunks',
        events.flatMap((e) => [e, e]),
        5,
      ),
    ).toEqual(built);
    // A replay of the whole log after it: nothing moves.
    expect(await build('rm_funnel_replayed', [...events, ...events], events.length)).toEqual(built);
  });

  it('leaves no row for a cohort whose carts all left it, in one chunk or event by event', async () => {
    // k8 was USD's only cart on 2 March: merged into k6 later, that cohort is empty.
    const { events, carts } = shopHistory();
    const opened = events.find((e) => e.type === 'CartOpened' && e.streamId === `cart-${carts.k8}`)!;
    const merged = {
      ...opened,
      id: crypto.randomUUID(),
      type: 'CartMerged',
      data: { cartId: carts.k8, intoCartId: carts.k6 },
      createdAt: new Date('2026-03-04T09:00:00Z'),
    };
    const whole = await build('rm_funnel_emptied', [...events, merged]);
    expect(await build('rm_funnel_emptied_by_one', [...events, merged], 1)).toEqual(whole);
    const usd = (whole.funnel_counts as { currency: string }[]).filter((r) => r.currency === 'USD');
    expect(usd).toHaveLength(1);
  });

  it('answers a range of days from the counts per cohort, not from the carts', async () => {
    const client = await db.pool.connect();
    try {
      await client.query(`prepare funnel as ${funnelSql}`);
      const { rows } = await client.query<{ 'QUERY PLAN': string }>(
        "explain execute funnel('day', '2025-01-01', '2025-12-31', null, 5000)",
      );
      const plan = rows.map((r) => r['QUERY PLAN']).join('\n');
      expect(plan).toContain('funnel_counts');
      expect(plan).not.toContain('funnel_carts');
    } finally {
      await client.query('deallocate funnel');
      client.release();
    }
  });
});
