import { loadConfig } from '@flowdose/shared/config';
import { liveSchema } from '@flowdose/shared/read-models';
import { createTestDatabase, type TestDatabase } from '@flowdose/testing/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRows, schemaRows, shopHistory } from '../analytics-fixture.test-support.ts';
import { shopDays } from '../shop-day.ts';
import { cartAbandonmentProjection } from './projection.ts';
import { abandonmentByPeriod, abandonmentSql } from './queries.ts';

/** The shop's days in UTC, as the configuration has them by default. */
const projection = cartAbandonmentProjection(shopDays('UTC'));

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db.drop());

const bucket = (period: string, currency: string, carts: number, abandoned: number, value: number, rate: number) => ({
  period,
  currency,
  cartsWithItems: carts,
  abandonedCarts: abandoned,
  abandonedValue: value,
  abandonmentRate: rate,
});

/** A fresh schema with the events applied in chunks of `chunk` (one unless given). */
const build = (schema: string, events: ReturnType<typeof shopHistory>['events'], chunk?: number) =>
  buildRows(db.pool, projection, schema, events, { chunk });

/** The read as it was before the counts per day: every cart looked at (the reference). */
const perCartSql = `
  select to_char(date_trunc($1, last_day), 'YYYY-MM-DD') as period, currency, count(*)::int8 as carts,
    count(*) filter (where status = 'open' and last_activity < $6)::int8 as abandoned,
    coalesce(sum(value) filter (where status = 'open' and last_activity < $6), 0)::int8 as abandoned_value
  from rm_cart_abandonment.cart_abandonment
  where lines > 0 and status <> 'merged' and last_day between $2 and $3 and ($4::text is null or currency = $4)
  group by 1, 2 order by 1, 2 limit $5`;

describe('cart_abandonment read model', () => {
  const { events, carts } = shopHistory();
  const range = { from: '2026-03-01', to: '2026-03-03', limit: 100, abandonedAfterHours: 24, timeZone: 'UTC' };

  it('finds the carts left with items, per day of their last activity, at the time asked', async () => {
    await build(liveSchema('cart_abandonment'), events);
    const row = async (cartId: string) =>
      (
        await db.pool.query(
          'select status, lines, value from rm_cart_abandonment.cart_abandonment where cart_id = $1',
          [cartId],
        )
      ).rows[0];
    // k2: a cap line made 3, a hoodie line removed: one line, 3 × 2400.
    expect(await row(carts.k2)).toEqual({ status: 'open', lines: 1, value: 7200n });
    expect(await row(carts.k3)).toEqual({ status: 'open', lines: 0, value: 0n });
    expect(await row(carts.k5)).toEqual({ status: 'merged', lines: 1, value: 900n });
    expect(await row(carts.k1)).toEqual({ status: 'checked_out', lines: 1, value: 2500n });
    // At noon on 3 March, a cart idle since before noon on 2 March is abandoned.
    const noon = new Date('2026-03-03T12:00:00Z');
    expect(await abandonmentByPeriod(db.pool, { ...range, now: noon, granularity: 'day' })).toEqual([
      // k1 checked out (09:12); k2 left at 10:04 with 3 caps (the hoodie removed): 3 × 2400.
      // k3 never held an item.
      bucket('2026-03-01', 'EUR', 2, 1, 7200, 0.5),
      // k4 checked out at its second checkout.
      bucket('2026-03-01', 'USD', 1, 0, 0, 0),
      // k10 (a cap, claimed at 08:02) left; k9 (a mug at 14:00) idle only 22 h; k6 checked
      // out; k5 was merged into k6 (its lines went on there), so it counts nowhere.
      bucket('2026-03-02', 'EUR', 3, 1, 2400, 0.3333),
      // k7 checked out; k8 (USD) never held an item.
      bucket('2026-03-03', 'EUR', 1, 0, 0, 0),
    ]);
    // Idle for exactly 24 h is not longer than 24 h; one second more is.
    const at = async (iso: string) =>
      (await abandonmentByPeriod(db.pool, { ...range, now: new Date(iso), granularity: 'day' }))[2];
    expect(await at('2026-03-03T14:00:00Z')).toEqual(bucket('2026-03-02', 'EUR', 3, 1, 2400, 0.3333));
    expect(await at('2026-03-03T14:00:01Z')).toEqual(bucket('2026-03-02', 'EUR', 3, 2, 2400 + 1250, 0.6667));
    // ABANDONED_CART_HOURS=48: only k2 (idle 49 h 56 min) is abandoned at noon.
    const twoDays = await abandonmentByPeriod(db.pool, {
      ...range,
      now: noon,
      abandonedAfterHours: 48,
      currency: 'EUR',
      granularity: 'day',
    });
    expect(twoDays.map((b) => [b.period, b.abandonedCarts, b.abandonedValue])).toEqual([
      ['2026-03-01', 1, 7200],
      ['2026-03-02', 0, 0],
      ['2026-03-03', 0, 0],
    ]);
    // Weeks: k1, k2 (23 Feb); k10, k6, k9, k7 (2 March).
    expect(await abandonmentByPeriod(db.pool, { ...range, now: noon, currency: 'EUR', granularity: 'week' })).toEqual([
      bucket('2026-02-23', 'EUR', 2, 1, 7200, 0.5),
      bucket('2026-03-02', 'EUR', 4, 1, 2400, 0.25),
    ]);
    expect(await abandonmentByPeriod(db.pool, { ...range, now: noon, currency: 'USD', granularity: 'month' })).toEqual([
      bucket('2026-03-01', 'USD', 1, 0, 0, 0),
    ]);
  });

  it('gives the same table rebuilt and with every event applied twice', async () => {
    const built = await schemaRows(db.pool, liveSchema('cart_abandonment'));
    expect(Object.keys(built)).toEqual(['cart_abandonment', 'cart_abandonment_days']);
    expect(built.cart_abandonment).toHaveLength(10);
    expect(await build('rm_cart_abandonment_again', events)).toEqual(built);
    // A job retried over the same events (the checkpoint normally stops this) changes nothing.
    expect(
      await build(
        'rm_cart_abandonment_twice',
        events.flatMap((e) => [e, e]),
      ),
    ).toEqual(built);
  });

  it('gives the same tables whatever the chunks: each event alone, duplicates across chunks', async () => {
    const built = await schemaRows(db.pool, liveSchema('cart_abandonment'));
    // Each event its own chunk: each cart's row patched event by event, its day moving.
    expect(await build('rm_cart_abandonment_one_by_one', events, 1)).toEqual(built);
    // Chunks of 3: a cart opened in one chunk and changed in the next ones.
    expect(await build('rm_cart_abandonment_threes', events, 3)).toEqual(built);
    // Every event twice, the copies in the same chunk or the next (a CartOpened again, a line
    // added again, removed again).
    expect(
      await build(
        'rm_cart_abandonment_twice_chunks',
        events.flatMap((e) => [e, e]),
        5,
      ),
    ).toEqual(built);
    // The whole log replayed after itself: nothing moves.
    expect(await build('rm_cart_abandonment_replayed', [...events, ...events], events.length)).toEqual(built);
  });

  it('drops what comes before its CartOpened, as one event at a time does, in one chunk or across chunks', async () => {
    // Reversed: each cart's events come before its CartOpened, so each cart is as just opened.
    const reversed = [...events].reverse();
    const oneChunk = await build('rm_cart_abandonment_reversed', reversed);
    expect(await build('rm_cart_abandonment_reversed_by_one', reversed, 1)).toEqual(oneChunk);
    const k2 = (oneChunk.cart_abandonment as { cart_id: string }[]).find((r) => r.cart_id === carts.k2);
    expect(k2).toMatchObject({ status: 'open', lines: 0, value: 0n, line_values: {} });
    expect(oneChunk.cart_abandonment_days).toEqual([]);
  });

  it('leaves no row for a day whose carts all moved on, in one chunk or event by event', async () => {
    // k4 was the only USD cart with items on 1 March: claimed on the 2nd, it moves there.
    const { events, carts } = shopHistory();
    const opened = events.find((e) => e.type === 'CartOpened' && e.streamId === `cart-${carts.k4}`)!;
    const claimed = {
      ...opened,
      id: crypto.randomUUID(),
      type: 'CartClaimed',
      data: { cartId: carts.k4, customerId: crypto.randomUUID() },
      createdAt: new Date('2026-03-02T10:00:00Z'),
    };
    const whole = await build('rm_cart_abandonment_moved', [...events, claimed]);
    expect(await build('rm_cart_abandonment_moved_by_one', [...events, claimed], 1)).toEqual(whole);
    const usd = (whole.cart_abandonment_days as { currency: string; last_day: Date }[]).filter(
      (r) => r.currency === 'USD',
    );
    expect(usd.map((r) => r.last_day.toISOString().slice(0, 10))).toEqual(['2026-03-02']);
  });

  it('answers as looking at every cart would, at any time asked: the boundary of the last days', async () => {
    // Every half hour from 1 March to 6 March, with 1, 24 and 48 hours' idling: the counts of
    // the days before the threshold's day, and the carts of the days after it, add up to what
    // looking at each cart says (the threshold on a day's first instant, in its middle…).
    for (let t = Date.parse('2026-03-01T00:00:00Z'); t <= Date.parse('2026-03-06T00:00:00Z'); t += 1_800_000) {
      for (const hours of [1, 24, 48]) {
        for (const granularity of ['day', 'week'] as const) {
          const now = new Date(t);
          const idleSince = new Date(t - hours * 3_600_000);
          const { rows } = await db.pool.query(perCartSql, [granularity, range.from, range.to, null, 100, idleSince]);
          const expected = rows.map((r) => [
            r.period,
            r.currency,
            Number(r.carts),
            Number(r.abandoned),
            Number(r.abandoned_value),
          ]);
          const got = await abandonmentByPeriod(db.pool, { ...range, now, abandonedAfterHours: hours, granularity });
          expect(
            got.map((b) => [b.period, b.currency, b.cartsWithItems, b.abandonedCarts, b.abandonedValue]),
            `${now.toISOString()} ${hours} h ${granularity}`,
          ).toEqual(expected);
        }
      }
    }
  });

  it('reads the counts per day, and only the open carts of the last days through their index', async () => {
    // A few rows would be read in full anyway: forbid that to see that the index fits the look
    // at the last days' carts (its partial predicate and covered columns).
    const schema = liveSchema('cart_abandonment');
    // Index-only scans need the visibility map, which vacuum writes (autovacuum, in service).
    await db.pool.query(`vacuum analyze ${schema}.cart_abandonment`);
    const client = await db.pool.connect();
    try {
      await client.query('set enable_seqscan = off');
      await client.query(`prepare abandonment as ${abandonmentSql}`);
      const { rows } = await client.query<{ 'QUERY PLAN': string }>(
        "explain execute abandonment('day', '2025-01-01', '2025-12-31', null, 5000, now(), current_date)",
      );
      const plan = rows.map((r) => r['QUERY PLAN']).join('\n');
      expect(plan).toContain('cart_abandonment_days');
      expect(plan).toContain('Index Only Scan using cart_abandonment_open');
    } finally {
      await client.query('deallocate abandonment; reset enable_seqscan');
      client.release();
    }
  });

  it('reads ABANDONED_CART_HOURS from the configuration: whole hours, 24 unless set', () => {
    const secrets = {
      CART_TOKEN_SECRET: 'x'.repeat(32),
      AUTH_JWT_SECRET: 'x'.repeat(32),
      PAYMENT_WEBHOOK_SECRET: 'x'.repeat(32),
    };
    expect(loadConfig(secrets).ABANDONED_CART_HOURS).toBe(24);
    expect(loadConfig({ ...secrets, ABANDONED_CART_HOURS: '48' }).ABANDONED_CART_HOURS).toBe(48);
    for (const bad of ['0', '1.5', 'a day', '9000']) {
      expect(() => loadConfig({ ...secrets, ABANDONED_CART_HOURS: bad }), bad).toThrow('ABANDONED_CART_HOURS');
    }
  });
});
