import type { Pool } from '@flowdose/shared/db';
import type { RecordedEvent } from '@flowdose/shared/event-store/port';
import { testMetadata } from '@flowdose/shared/testing/events';
import type { Projection } from '../projection.ts';

/**
 * Order events at chosen instants, for the analytics models' tests: a store stamps events
 * with the database's clock, and these models are about which day an event fell on.
 */
export function orderHistory(): { events: RecordedEvent[]; ids: Record<'a' | 'b' | 'c' | 'd', string> } {
  const ids = { a: crypto.randomUUID(), b: crypto.randomUUID(), c: crypto.randomUUID(), d: crypto.randomUUID() };
  let n = 0n;
  const at = (iso: string, orderId: string, type: string, data: object): RecordedEvent => {
    n++;
    return {
      id: crypto.randomUUID(),
      streamId: `order-${orderId}`,
      streamPosition: 1n,
      position: { major: n, minor: 0n },
      type,
      data: { orderId, ...data },
      metadata: testMetadata,
      createdAt: new Date(iso),
    };
  };
  const line = (sku: string, quantity: number, amount: number, currency: string, discount: number, tax: number) => ({
    lineId: crypto.randomUUID(),
    sku,
    quantity,
    unitPrice: { amount, currency },
    discount,
    tax,
  });
  const placed = (
    iso: string,
    orderId: string,
    currency: string,
    lines: ReturnType<typeof line>[],
    totals: { subtotal: number; discount: number; shipping: number; tax: number; grandTotal: number },
  ) =>
    at(iso, orderId, 'OrderPlaced', {
      cartId: crypto.randomUUID(),
      customerId: null,
      email: 'shopper@example.com',
      currency,
      lines,
      totals,
      shippingAddress: { name: 'A', line1: 'B', city: 'C', postalCode: '1', country: 'FR' },
      shippingMethod: 'standard',
      reservations: [],
      paymentId: null,
    });
  const { a, b, c, d } = ids;
  const events = [
    placed(
      '2026-03-01T10:00:00Z',
      a,
      'EUR',
      [line('MUG-WHITE', 2, 1250, 'EUR', 0, 500), line('CAP-BLACK', 1, 2400, 'EUR', 400, 400)],
      { subtotal: 4900, discount: 400, shipping: 495, tax: 999, grandTotal: 5994 },
    ),
    placed('2026-03-01T11:00:00Z', b, 'USD', [line('MUG-WHITE', 3, 1390, 'USD', 0, 0)], {
      subtotal: 4170,
      discount: 0,
      shipping: 600,
      tax: 0,
      grandTotal: 4770,
    }),
    placed('2026-03-01T23:30:00Z', c, 'EUR', [line('HOODIE-GREY-M', 1, 4999, 'EUR', 0, 1000)], {
      subtotal: 4999,
      discount: 0,
      shipping: 0,
      tax: 1000,
      grandTotal: 5999,
    }),
    at('2026-03-02T00:10:00Z', a, 'OrderRefunded', { amount: 1000, reason: 'one mug broke' }),
    at('2026-03-02T09:00:00Z', c, 'OrderCanceled', { reason: 'changed mind' }),
    // One SKU on two lines, one of them discounted.
    placed(
      '2026-03-03T12:00:00Z',
      d,
      'EUR',
      [line('MUG-WHITE', 1, 1250, 'EUR', 250, 0), line('MUG-WHITE', 1, 1250, 'EUR', 0, 0)],
      { subtotal: 2500, discount: 250, shipping: 495, tax: 0, grandTotal: 2745 },
    ),
    // A paid order canceled: the cancel refunds it first.
    at('2026-03-03T13:00:00Z', b, 'OrderRefunded', { amount: 4770, reason: 'canceled' }),
    at('2026-03-03T13:00:01Z', b, 'OrderCanceled', { reason: 'canceled' }),
  ];
  return { events, ids };
}

/** Applies events to a projection's schema in order, as run-range would, in one transaction. */
export async function applyAll(
  pool: Pool,
  projection: Projection,
  schema: string,
  events: RecordedEvent[],
): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    for (const event of events) {
      for (const { text, values } of projection.apply(event, schema)) await client.query(text, values);
    }
    await client.query('commit');
  } finally {
    client.release();
  }
}

/** Every row of a table in a stable order, to compare a build with a rebuild. */
export async function tableRows(pool: Pool, table: string): Promise<unknown[]> {
  return (await pool.query(`select * from ${table} order by 1, 2, 3`)).rows;
}
