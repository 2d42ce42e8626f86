// A shop's history written straight into the event log, for benchmarks that need millions of
// events: the events the commands would have appended (same types, shapes and schema versions,
// so the projections read them as they read real ones), stamped over a span of days. Written
// in large INSERTs rather than through the command API, which would take hours at this size.
import { randomUUID } from 'node:crypto';
import { cartDecider } from '@flowdose/domain/cart/decider';
import { cartStream } from '@flowdose/domain/cart/events';
import { checkoutDecider, checkoutStream } from '@flowdose/domain/checkout/process';
import { discountDecider } from '@flowdose/domain/discount/decider';
import { discountStream } from '@flowdose/domain/discount/events';
import type { Currency } from '@flowdose/domain/money';
import { orderDecider } from '@flowdose/domain/order/decider';
import { orderStream } from '@flowdose/domain/order/events';
import { productDecider } from '@flowdose/domain/product/decider';
import { productStream } from '@flowdose/domain/product/events';
import type { Pool } from '@flowdose/shared/db';
import type { DemoProduct } from '../src/seed/demo-catalog.ts';

type Row = { stream: string; position: number; type: string; data: object; version: number; at: Date };

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
export const DISCOUNT_CODES = ['WELCOME10', 'SPRING15', 'VIP20', 'LOYAL5', 'FLASH25'];

/** A deterministic generator, so two runs (and two machines) write the same history. */
function lcg(seed: number) {
  let state = seed;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  return { chance: (p: number) => next() < p, int: (n: number) => Math.floor(next() * n), next };
}

export type HistoryShape = {
  orders: number;
  /** The first instant of the history; orders spread evenly over `days` from here. */
  start: Date;
  days: number;
  catalog: DemoProduct[];
};

/**
 * The history in batches of about `batchOrders` orders each, for the caller to insert. Per
 * order: a cart (opened, one to three lines, checked out), the checkout process's start and
 * completion, the order (placed, captured for nine in ten; one in fifty refunded in part, one
 * in a hundred canceled unpaid), a discount use for one in ten. Beside them, for every ten
 * orders four carts left with items and one left empty. Seven in ten orders come from 200,000
 * returning accounts, the rest from guests; one in five pays in USD.
 */
export function* shopHistory(shape: HistoryShape, batchOrders = 2000): Generator<Row[]> {
  const random = lcg(7);
  const variants = shape.catalog.flatMap((p) => p.variants);
  const customers = Array.from({ length: 200_000 }, () => randomUUID());
  const span = shape.days * DAY;
  const version = {
    cart: cartDecider.events.version,
    checkout: checkoutDecider.events.version,
    order: orderDecider.events.version,
    discount: discountDecider.events.version,
  };

  let rows: Row[] = [];
  // Discount codes exist before the first order.
  for (const code of DISCOUNT_CODES) {
    rows.push({
      stream: discountStream(code),
      position: 1,
      type: 'DiscountCreated',
      data: {
        code,
        value: { kind: 'percent', percent: 10 },
        minimumSubtotal: {},
        validFrom: null,
        validUntil: null,
        usageLimit: null,
      },
      version: version.discount,
      at: new Date(shape.start.getTime() - DAY),
    });
  }
  const discountUses = new Map<string, number>(DISCOUNT_CODES.map((c) => [c, 1]));

  const cart = (at: number, currency: Currency, lines: number, customerId: string | null) => {
    const cartId = randomUUID();
    const stream = cartStream(cartId);
    rows.push({
      stream,
      position: 1,
      type: 'CartOpened',
      data: { cartId, currency, customerId },
      version: version.cart,
      at: new Date(at),
    });
    const items = Array.from({ length: lines }, (_, i) => {
      const variant = variants[random.int(variants.length)]!;
      const quantity = 1 + (random.chance(0.2) ? random.int(3) : 0);
      const unitPrice = { amount: variant.prices[currency]!, currency };
      const item = { cartId, lineId: randomUUID(), sku: variant.sku, quantity, unitPrice };
      rows.push({
        stream,
        position: 2 + i,
        type: 'CartItemAdded',
        data: item,
        version: version.cart,
        at: new Date(at + (i + 1) * 60_000),
      });
      return item;
    });
    return { cartId, stream, items };
  };

  for (let n = 0; n < shape.orders; n++) {
    const at = shape.start.getTime() + Math.floor((n / shape.orders) * span) + random.int(HOUR);
    const currency: Currency = random.chance(0.2) ? 'USD' : 'EUR';
    const customerId = random.chance(0.7) ? customers[random.int(customers.length)]! : null;
    const email = customerId ? `${customerId.slice(0, 8)}@example.com` : `guest${n}@example.com`;

    // Carts left behind: four with items and one empty for every ten orders.
    if (n % 10 < 4) cart(at - 5 * 60_000, currency, 1 + random.int(2), customerId);
    if (n % 10 === 4) cart(at - 5 * 60_000, currency, 0, null);

    const { cartId, stream, items } = cart(at, currency, 1 + random.int(3), customerId);
    const orderId = randomUUID();
    const placedAt = at + 10 * 60_000;
    const code = random.chance(0.1) ? DISCOUNT_CODES[random.int(DISCOUNT_CODES.length)]! : undefined;
    const subtotal = items.reduce((sum, i) => sum + i.unitPrice.amount * i.quantity, 0);
    const discount = code ? Math.round(subtotal / 10) : 0;
    const shipping = subtotal >= 5000 ? 0 : 495;
    const tax = Math.round((subtotal - discount) / 5);
    const totals = { subtotal, discount, shipping, tax, grandTotal: subtotal - discount + shipping + tax };
    const lines = items.map((item, i) => ({
      lineId: item.lineId,
      sku: item.sku,
      quantity: item.quantity,
      unitPrice: item.unitPrice,
      // The order's discount and tax sit on its first line: enough for the figures here.
      discount: i === 0 ? discount : 0,
      tax: i === 0 ? tax : 0,
    }));
    const reservations = items.map((i) => ({ sku: i.sku, reservationId: randomUUID() }));
    const order = {
      orderId,
      cartId,
      customerId,
      email,
      currency,
      lines,
      totals,
      shippingAddress: { name: 'Bench Shopper', line1: '1 Lane', city: 'Berlin', postalCode: '10115', country: 'DE' },
      shippingMethod: 'standard',
      ...(code ? { discountCode: code } : {}),
      reservations,
    };
    const checkout = checkoutStream(orderId);
    rows.push({
      stream: checkout,
      position: 1,
      type: 'CheckoutStarted',
      data: {
        orderId,
        plan: {
          cartId,
          cartVersion: String(items.length + 1),
          order,
          reservations: items.map((i, k) => ({
            sku: i.sku,
            reservationId: reservations[k]!.reservationId,
            quantity: i.quantity,
          })),
          expiresAt: new Date(placedAt + 15 * 60_000).toISOString(),
          decidedAt: new Date(placedAt).toISOString(),
          currency,
          paymentMethod: 'pm_card_visa',
        },
      },
      version: version.checkout,
      at: new Date(placedAt),
    });
    if (code) {
      const position = discountUses.get(code)! + 1;
      discountUses.set(code, position);
      rows.push({
        stream: discountStream(code),
        position,
        type: 'DiscountRedeemed',
        data: { code, orderId },
        version: version.discount,
        at: new Date(placedAt),
      });
    }
    const paymentId = `pay_${orderId.slice(0, 8)}`;
    const orderRows: [string, object, number][] = [['OrderPlaced', { ...order, paymentId }, placedAt]];
    if (random.chance(0.01)) {
      orderRows.push(['OrderCanceled', { orderId, reason: 'changed mind' }, placedAt + HOUR]);
    } else if (random.chance(0.9)) {
      orderRows.push(['PaymentCaptured', { orderId, amount: totals.grandTotal }, placedAt + 2 * HOUR]);
      if (random.chance(0.02))
        orderRows.push([
          'OrderRefunded',
          { orderId, amount: Math.max(1, Math.round(totals.grandTotal / 4)), reason: 'damaged' },
          placedAt + 3 * DAY,
        ]);
    }
    orderRows.forEach(([type, data, when], i) => {
      rows.push({
        stream: orderStream(orderId),
        position: i + 1,
        type,
        data,
        version: version.order,
        at: new Date(when),
      });
    });
    rows.push({
      stream,
      position: items.length + 2,
      type: 'CartCheckedOut',
      data: { cartId, orderId },
      version: version.cart,
      at: new Date(placedAt),
    });
    rows.push({
      stream: checkout,
      position: 2,
      type: 'CheckoutCompleted',
      data: { orderId },
      version: version.checkout,
      at: new Date(placedAt),
    });
    if ((n + 1) % batchOrders === 0) {
      yield rows;
      rows = [];
    }
  }
  if (rows.length) yield rows;
}

/**
 * The catalog as the product commands record it: created, variants added, published. Its
 * pictures are left out: the seed uploads them through their own route, and ProductCreated
 * has no field for them.
 */
export function catalogRows(catalog: DemoProduct[], at: Date): Row[] {
  const version = productDecider.events.version;
  return catalog.flatMap(({ variants, publish, stock: _stock, images: _images, ...details }) => {
    const productId = randomUUID();
    const stream = productStream(productId);
    const events: [string, object][] = [
      ['ProductCreated', { ...details, productId }],
      ...variants.map((v): [string, object] => ['VariantAdded', { ...v, productId }]),
      ...(publish ? [['ProductPublished', { productId }] as [string, object]] : []),
    ];
    return events.map(([type, data], i) => ({ stream, position: i + 1, type, data, version, at }));
  });
}

/**
 * One INSERT for a batch, each batch one transaction as a burst of appends would be. The rows
 * travel as one JSON document: Postgres parses it faster than an array parameter per column.
 */
export async function insertRows(pool: Pool, rows: Row[]): Promise<void> {
  const json = rows.map((r) => ({
    stream: r.stream,
    position: r.position,
    type: r.type,
    data: r.data,
    metadata: {
      correlationId: r.stream,
      causationId: r.stream,
      actor: { userId: null, role: 'bench' },
      idempotencyKey: null,
      schemaVersion: r.version,
    },
    at: r.at.toISOString(),
  }));
  await pool.query(
    `insert into events (stream_id, stream_position, event_id, type, data, metadata, created_at)
     select stream, position, gen_random_uuid(), type, data, metadata, at
     from jsonb_to_recordset($1::jsonb) as r(stream text, position int8, type text, data jsonb, metadata jsonb, at timestamptz)`,
    [JSON.stringify(json)],
  );
}
