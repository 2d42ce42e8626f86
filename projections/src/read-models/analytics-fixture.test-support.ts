import type { Pool } from '@flowdose/shared/db';
import type { RecordedEvent } from '@flowdose/shared/event-store/port';
import { testMetadata } from '@flowdose/testing/events';
import type { Projection } from '../projection.ts';
import { createSchema } from '../schema.ts';

/**
 * Events at chosen instants, for the analytics models' tests: a store stamps events with the
 * database's clock, and these models are about which day an event fell on. `at` records one
 * event on a stream (positions follow the call order, as in the log).
 */
function recorder() {
  let n = 0n;
  const versions = new Map<string, bigint>();
  const at = (iso: string, streamId: string, type: string, data: object): RecordedEvent => {
    n++;
    const streamPosition = (versions.get(streamId) ?? 0n) + 1n;
    versions.set(streamId, streamPosition);
    return {
      id: crypto.randomUUID(),
      streamId,
      streamPosition,
      position: { major: n, minor: n },
      type,
      data,
      metadata: testMetadata,
      createdAt: new Date(iso),
    };
  };
  return at;
}

type Totals = { subtotal: number; discount: number; shipping: number; tax: number; grandTotal: number };
const address = { name: 'A', line1: 'B', city: 'C', postalCode: '1', country: 'FR' };
const line = (sku: string, quantity: number, amount: number, currency: string, discount: number, tax: number) => ({
  lineId: crypto.randomUUID(),
  sku,
  quantity,
  unitPrice: { amount, currency },
  discount,
  tax,
});
/** An OrderPlaced's data; a guest's unless `customerId` is given. */
const orderData = (
  orderId: string,
  currency: string,
  lines: ReturnType<typeof line>[],
  totals: Totals,
  more: { cartId?: string; customerId?: string; email?: string; discountCode?: string } = {},
) => {
  const { cartId = crypto.randomUUID(), customerId = null, email = 'shopper@example.com', discountCode } = more;
  return {
    orderId,
    cartId,
    customerId,
    email,
    currency,
    lines,
    totals,
    shippingAddress: address,
    shippingMethod: 'standard',
    ...(discountCode ? { discountCode } : {}),
    reservations: [],
    paymentId: null,
  };
};

/**
 * Four orders over three days in EUR and USD, a refund, two cancels. Who ordered: Ada as a
 * guest (her e-mail in two cases), then Bea with an account.
 */
export function orderHistory(): { events: RecordedEvent[]; ids: Record<'a' | 'b' | 'c' | 'd', string> } {
  const ids = { a: crypto.randomUUID(), b: crypto.randomUUID(), c: crypto.randomUUID(), d: crypto.randomUUID() };
  const record = recorder();
  const at = (iso: string, orderId: string, type: string, data: object) =>
    record(iso, `order-${orderId}`, type, { orderId, ...data });
  const placed = (
    iso: string,
    orderId: string,
    currency: string,
    lines: ReturnType<typeof line>[],
    totals: Totals,
    who: { customerId?: string; email: string },
  ) => record(iso, `order-${orderId}`, 'OrderPlaced', orderData(orderId, currency, lines, totals, who));
  const ada = (email: string) => ({ email });
  const bea = { customerId: crypto.randomUUID(), email: 'bea@example.com' };
  const { a, b, c, d } = ids;
  const events = [
    placed(
      '2026-03-01T10:00:00Z',
      a,
      'EUR',
      [line('MUG-WHITE', 2, 1250, 'EUR', 0, 500), line('CAP-BLACK', 1, 2400, 'EUR', 400, 400)],
      { subtotal: 4900, discount: 400, shipping: 495, tax: 999, grandTotal: 5994 },
      ada('Ada@Example.com'),
    ),
    placed(
      '2026-03-01T11:00:00Z',
      b,
      'USD',
      [line('MUG-WHITE', 3, 1390, 'USD', 0, 0)],
      { subtotal: 4170, discount: 0, shipping: 600, tax: 0, grandTotal: 4770 },
      ada('ada@example.com'),
    ),
    placed(
      '2026-03-01T23:30:00Z',
      c,
      'EUR',
      [line('HOODIE-GREY-M', 1, 4999, 'EUR', 0, 1000)],
      { subtotal: 4999, discount: 0, shipping: 0, tax: 1000, grandTotal: 5999 },
      bea,
    ),
    at('2026-03-02T00:10:00Z', a, 'OrderRefunded', { amount: 1000, reason: 'one mug broke' }),
    at('2026-03-02T09:00:00Z', c, 'OrderCanceled', { reason: 'changed mind' }),
    // One SKU on two lines, one of them discounted.
    placed(
      '2026-03-03T12:00:00Z',
      d,
      'EUR',
      [line('MUG-WHITE', 1, 1250, 'EUR', 250, 0), line('MUG-WHITE', 1, 1250, 'EUR', 0, 0)],
      { subtotal: 2500, discount: 250, shipping: 495, tax: 0, grandTotal: 2745 },
      ada('ada@example.com'),
    ),
    // A paid order canceled: the cancel refunds it first.
    at('2026-03-03T13:00:00Z', b, 'OrderRefunded', { amount: 4770, reason: 'canceled' }),
    at('2026-03-03T13:00:01Z', b, 'OrderCanceled', { reason: 'canceled' }),
  ];
  return { events, ids };
}

/**
 * Shoppers' carts from opening to payment over three days (1-3 March 2026, UTC), for the
 * funnel, abandonment and discount models. Each cart's story:
 *
 *   k1  EUR 1 Mar  2 mugs, checkout with SPRING10 (O1), placed, captured 2 Mar
 *   k2  EUR 1 Mar  caps and a hoodie, changed to 3 caps, hoodie removed: left (7200)
 *   k3  EUR 1 Mar  opened, nothing added
 *   k4  USD 1 Mar  3 mugs, checkout with SPRING10 (O2) declined: the use released; checked
 *                  out again without a code (O3), placed, never captured
 *   k5  EUR 2 Mar  a guest's socks, merged into k6 when she signed in
 *   k6  EUR 2 Mar  her own cart: the socks came in by the merge; SPRING10 (O4), captured 3 Mar
 *   k8  USD 2 Mar  opened, nothing added
 *   k9  EUR 2 Mar  a mug at 14:00, left
 *   k10 EUR 2 Mar  a cap at 08:01, claimed at sign-in at 08:02, left
 *   k7  EUR 3 Mar  a cap, checkout with WELCOME5 (O5), placed, canceled unpaid at 15:00
 *
 * Totals: France's 20 % VAT on discounted lines and shipping, 4.95 EUR / 6.00 USD shipping.
 */
export function shopHistory() {
  const record = recorder();
  const id = () => crypto.randomUUID();
  const k = { k1: id(), k2: id(), k3: id(), k4: id(), k5: id(), k6: id(), k7: id(), k8: id(), k9: id(), k10: id() };
  const o = { o1: id(), o2: id(), o3: id(), o4: id(), o5: id() };
  const lineIds = {
    k1: id(),
    k2cap: id(),
    k2hoodie: id(),
    k4: id(),
    k5: id(),
    k6: id(),
    k7: id(),
    k9: id(),
    k10: id(),
  };
  const customer = id();

  const cart = (iso: string, cartId: string, type: string, data: object = {}) =>
    record(iso, `cart-${cartId}`, type, { cartId, ...data });
  const opened = (iso: string, cartId: string, currency: string, customerId: string | null = null) =>
    cart(iso, cartId, 'CartOpened', { currency, customerId });
  const added = (iso: string, cartId: string, lineId: string, sku: string, quantity: number, price: Money) =>
    cart(iso, cartId, 'CartItemAdded', { lineId, sku, quantity, unitPrice: price });
  const order = (iso: string, orderId: string, type: string, data: object = {}) =>
    record(iso, `order-${orderId}`, type, { orderId, ...data });
  const checkout = (iso: string, orderId: string, type: string, data: object = {}) =>
    record(iso, `checkout-${orderId}`, type, { orderId, ...data });
  const discount = (iso: string, code: string, type: string, data: object) =>
    record(iso, `discount-${code}`, type, { code, ...data });
  type Money = { amount: number; currency: string };
  const eur = (amount: number): Money => ({ amount, currency: 'EUR' });
  const usd = (amount: number): Money => ({ amount, currency: 'USD' });

  /** CheckoutStarted, whose plan holds the order it would place. */
  const started = (iso: string, placed: ReturnType<typeof orderData>) =>
    checkout(iso, placed.orderId, 'CheckoutStarted', {
      plan: {
        cartId: placed.cartId,
        cartVersion: '2',
        order: (({ paymentId: _, ...rest }) => rest)(placed),
        reservations: [],
        expiresAt: '2026-03-10T00:00:00.000Z',
        decidedAt: iso,
        currency: placed.currency,
        paymentMethod: 'pm_test_visa',
      },
    });

  // SPRING10: 10 % off. O1: 2 × 12.50 = 25.00 − 2.50, + 4.95, VAT 20 % of 27.45 = 5.49.
  const o1 = orderData(
    o.o1,
    'EUR',
    [{ ...line('MUG-WHITE', 2, 1250, 'EUR', 250, 450), lineId: lineIds.k1 }],
    { subtotal: 2500, discount: 250, shipping: 495, tax: 549, grandTotal: 3294 },
    { cartId: k.k1, discountCode: 'SPRING10' },
  );
  const usdMugs = (orderId: string, discountCode?: string) =>
    orderData(
      orderId,
      'USD',
      [{ ...line('MUG-WHITE', 3, 1390, 'USD', discountCode ? 417 : 0, 0), lineId: lineIds.k4 }],
      discountCode
        ? { subtotal: 4170, discount: 417, shipping: 600, tax: 0, grandTotal: 4353 }
        : { subtotal: 4170, discount: 0, shipping: 600, tax: 0, grandTotal: 4770 },
      { cartId: k.k4, ...(discountCode ? { discountCode } : {}) },
    );
  // O4: 9.00 − 0.90, + 4.95, VAT 20 % of 13.05 = 2.61.
  const o4 = orderData(
    o.o4,
    'EUR',
    [{ ...line('SOCKS-3PACK', 1, 900, 'EUR', 90, 162), lineId: lineIds.k6 }],
    { subtotal: 900, discount: 90, shipping: 495, tax: 261, grandTotal: 1566 },
    { cartId: k.k6, customerId: customer, discountCode: 'SPRING10' },
  );
  // WELCOME5: 5.00 off. O5: 24.00 − 5.00, + 4.95, VAT 20 % of 23.95 = 4.79.
  const o5 = orderData(
    o.o5,
    'EUR',
    [{ ...line('CAP-BLACK', 1, 2400, 'EUR', 500, 380), lineId: lineIds.k7 }],
    { subtotal: 2400, discount: 500, shipping: 495, tax: 479, grandTotal: 2874 },
    { cartId: k.k7, discountCode: 'WELCOME5' },
  );

  const events = [
    // 1 March
    opened('2026-03-01T09:00:00Z', k.k1, 'EUR'),
    added('2026-03-01T09:05:00Z', k.k1, lineIds.k1, 'MUG-WHITE', 2, eur(1250)),
    started('2026-03-01T09:10:00Z', o1),
    discount('2026-03-01T09:11:00Z', 'SPRING10', 'DiscountRedeemed', { orderId: o.o1 }),
    order('2026-03-01T09:12:00Z', o.o1, 'OrderPlaced', o1),
    cart('2026-03-01T09:12:00Z', k.k1, 'CartCheckedOut', { orderId: o.o1 }),
    opened('2026-03-01T10:00:00Z', k.k2, 'EUR'),
    added('2026-03-01T10:01:00Z', k.k2, lineIds.k2cap, 'CAP-BLACK', 1, eur(2400)),
    added('2026-03-01T10:02:00Z', k.k2, lineIds.k2hoodie, 'HOODIE-GREY-M', 1, eur(4999)),
    cart('2026-03-01T10:03:00Z', k.k2, 'CartItemQuantityChanged', { lineId: lineIds.k2cap, quantity: 3 }),
    cart('2026-03-01T10:04:00Z', k.k2, 'CartItemRemoved', { lineId: lineIds.k2hoodie }),
    opened('2026-03-01T11:00:00Z', k.k3, 'EUR'),
    opened('2026-03-01T12:00:00Z', k.k4, 'USD'),
    added('2026-03-01T12:01:00Z', k.k4, lineIds.k4, 'MUG-WHITE', 3, usd(1390)),
    started('2026-03-01T12:05:00Z', usdMugs(o.o2, 'SPRING10')),
    discount('2026-03-01T12:06:00Z', 'SPRING10', 'DiscountRedeemed', { orderId: o.o2 }),
    checkout('2026-03-01T12:07:00Z', o.o2, 'CheckoutFailing', { code: 'payment-declined', detail: 'declined' }),
    discount('2026-03-01T12:07:30Z', 'SPRING10', 'DiscountRedemptionReleased', { orderId: o.o2, reason: 'declined' }),
    checkout('2026-03-01T12:08:00Z', o.o2, 'CheckoutFailed'),
    started('2026-03-01T12:10:00Z', usdMugs(o.o3)),
    order('2026-03-01T12:11:00Z', o.o3, 'OrderPlaced', usdMugs(o.o3)),
    cart('2026-03-01T12:11:00Z', k.k4, 'CartCheckedOut', { orderId: o.o3 }),
    // 2 March
    order('2026-03-02T08:00:00Z', o.o1, 'PaymentCaptured', { amount: 3294 }),
    opened('2026-03-02T08:00:00Z', k.k10, 'EUR'),
    added('2026-03-02T08:01:00Z', k.k10, lineIds.k10, 'CAP-BLACK', 1, eur(2400)),
    cart('2026-03-02T08:02:00Z', k.k10, 'CartClaimed', { customerId: id() }),
    opened('2026-03-02T09:00:00Z', k.k5, 'EUR'),
    added('2026-03-02T09:01:00Z', k.k5, lineIds.k5, 'SOCKS-3PACK', 1, eur(900)),
    opened('2026-03-02T09:20:00Z', k.k6, 'EUR', customer),
    added('2026-03-02T09:30:00Z', k.k6, lineIds.k6, 'SOCKS-3PACK', 1, eur(900)),
    cart('2026-03-02T09:30:00Z', k.k5, 'CartMerged', { intoCartId: k.k6 }),
    started('2026-03-02T09:40:00Z', o4),
    discount('2026-03-02T09:40:30Z', 'SPRING10', 'DiscountRedeemed', { orderId: o.o4 }),
    order('2026-03-02T09:41:00Z', o.o4, 'OrderPlaced', o4),
    cart('2026-03-02T09:41:00Z', k.k6, 'CartCheckedOut', { orderId: o.o4 }),
    opened('2026-03-02T10:00:00Z', k.k8, 'USD'),
    opened('2026-03-02T14:00:00Z', k.k9, 'EUR'),
    added('2026-03-02T14:00:00Z', k.k9, lineIds.k9, 'MUG-WHITE', 1, eur(1250)),
    // 3 March
    opened('2026-03-03T08:00:00Z', k.k7, 'EUR'),
    added('2026-03-03T08:01:00Z', k.k7, lineIds.k7, 'CAP-BLACK', 1, eur(2400)),
    started('2026-03-03T08:05:00Z', o5),
    discount('2026-03-03T08:05:30Z', 'WELCOME5', 'DiscountRedeemed', { orderId: o.o5 }),
    order('2026-03-03T08:06:00Z', o.o5, 'OrderPlaced', o5),
    cart('2026-03-03T08:06:00Z', k.k7, 'CartCheckedOut', { orderId: o.o5 }),
    order('2026-03-03T10:00:00Z', o.o4, 'PaymentCaptured', { amount: 1566 }),
    order('2026-03-03T15:00:00Z', o.o5, 'OrderCanceled', { reason: 'changed mind' }),
    discount('2026-03-03T15:00:00Z', 'WELCOME5', 'DiscountRedemptionReleased', { orderId: o.o5, reason: 'canceled' }),
  ];
  return { events, carts: k, orders: o };
}

/**
 * Applies events to a projection's schema in order, as run-range would, in one transaction:
 * in chunks of `chunk` events (all in one unless given), each chunk's statements in order.
 */
export async function applyAll(
  pool: Pool,
  projection: Projection,
  schema: string,
  events: RecordedEvent[],
  { chunk = events.length }: { chunk?: number } = {},
): Promise<void> {
  // run-range reads only the types a projection handles.
  const handled = events.filter((e) => projection.handles.includes(e.type));
  const client = await pool.connect();
  try {
    await client.query('begin');
    for (let i = 0; i < handled.length; i += chunk) {
      for (const { text, values } of projection.apply(handled.slice(i, i + chunk), schema)) {
        await client.query(text, values);
      }
    }
    await client.query('commit');
  } finally {
    client.release();
  }
}

/** Every row of a table in a stable order (of the whole row), to compare a build with a rebuild. */
export async function tableRows(pool: Pool, table: string): Promise<unknown[]> {
  return (await pool.query(`select * from ${table} t order by t::text`)).rows;
}

/** Every row of each of a schema's tables but its checkpoint, by table name. */
export async function schemaRows(pool: Pool, schema: string): Promise<Record<string, unknown[]>> {
  const { rows } = await pool.query<{ name: string }>(
    "select tablename as name from pg_tables where schemaname = $1 and tablename <> 'checkpoint' order by 1",
    [schema],
  );
  return Object.fromEntries(
    await Promise.all(rows.map(async ({ name }) => [name, await tableRows(pool, `${schema}.${name}`)] as const)),
  );
}

/** A fresh schema of the projection with the events applied (applyAll), and its rows (schemaRows). */
export async function buildRows(
  pool: Pool,
  projection: Projection,
  schema: string,
  events: RecordedEvent[],
  options: { chunk?: number } = {},
): Promise<Record<string, unknown[]>> {
  await createSchema(pool, projection, schema);
  await applyAll(pool, projection, schema, events, options);
  return schemaRows(pool, schema);
}
