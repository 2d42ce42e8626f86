import type { z } from 'zod';
import { computeTotals, type Discount } from './checkout/totals.ts';
import { OrderPlaced, type OrderPlacedData } from './order/events.ts';

type OrderPlacedEvent = z.infer<typeof OrderPlaced>;

/** A line as the cart held it: its discount share and tax are the domain's to work out. */
export type ItemOrdered = { sku: string; quantity: number; unitPrice: number };

export type OrderPlacedOverrides = Partial<Omit<OrderPlacedData, 'lines' | 'totals'>> & {
  items?: readonly ItemOrdered[];
  discount?: Discount;
  shipping?: number;
  taxRateBasisPoints?: number;
};

/**
 * An `OrderPlaced` as checkout records it today: lines and totals from the domain's totals
 * function (so they always add up), every other field a guest's order unless overridden.
 * By default two mugs at 12.50 EUR, standard shipping (4.95) and 21 % tax: a grand total of
 * 36.24. Parsed by the event's schema, so a test never starts from an event no reader takes.
 */
export function orderPlaced(overrides: OrderPlacedOverrides = {}): OrderPlacedEvent {
  const {
    items = [{ sku: 'MUG-WHITE', quantity: 2, unitPrice: 1250 }],
    discount = null,
    shipping = 495,
    taxRateBasisPoints = 2100,
    ...data
  } = overrides;
  const currency = data.currency ?? 'EUR';
  const { totals, lines } = computeTotals({
    currency,
    lines: items.map(({ sku, quantity, unitPrice }) => ({
      lineId: crypto.randomUUID(),
      sku,
      quantity,
      unitPrice: { amount: unitPrice, currency },
    })),
    discountOn: () => discount,
    shipping,
    taxRateBasisPoints,
  });
  return OrderPlaced.parse({
    type: 'OrderPlaced',
    data: {
      orderId: crypto.randomUUID(),
      cartId: crypto.randomUUID(),
      customerId: null,
      email: 'ada@example.com',
      currency,
      lines,
      totals,
      shippingAddress: { name: 'Ada', line1: '1 Lane', city: 'Paris', postalCode: '75001', country: 'FR' },
      shippingMethod: 'standard',
      reservations: items.map(({ sku }) => ({ sku, reservationId: crypto.randomUUID() })),
      paymentId: null,
      ...data,
    },
  });
}

/**
 * An OrderPlaced's data as written before checkout took the payment first (v1: no paymentId
 * at all): one mug at 12.50 EUR, no shipping or tax.
 */
export const orderPlacedV1 = (orderId: string = crypto.randomUUID()) => {
  const { paymentId: _, ...v1 } = orderPlaced({
    orderId,
    items: [{ sku: 'MUG-WHITE', quantity: 1, unitPrice: 1250 }],
    shipping: 0,
    taxRateBasisPoints: 0,
  }).data;
  return v1;
};
