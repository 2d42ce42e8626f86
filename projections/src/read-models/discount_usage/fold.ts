import type { ShopDay } from '../shop-day.ts';

/**
 * What discount_usage needs of an event; a checkout's or order's `code` is absent without one.
 * `at` is when it was recorded (its shop day is worked out only for what is counted).
 */
export type DiscountEvent =
  | {
      type: 'DiscountRedeemed' | 'DiscountRedemptionReleased';
      eventId: string;
      orderId: string;
      code: string;
      at: Date;
    }
  | { type: 'CheckoutStarted'; orderId: string; currency: string; code?: string }
  | {
      type: 'OrderPlaced';
      orderId: string;
      currency: string;
      code?: string;
      at: Date;
      discount: number;
      grandTotal: number;
    };

/** Codes are kept upper-case and matched without regard to case (the discount stream's rule). */
const codeOf = (code: string) => code.toUpperCase();

/**
 * A chunk folded as applying its events one by one would act: each use and release once (by
 * event), each order with a code once, with the currency the first of its events names and
 * whether it was placed, and each order's placement once (its day, code, discount and grand
 * total; the statement counts it unless the store had it placed already). `touched` lists the
 * orders of both, whose uses are counted once their currency is known.
 */
export function foldDiscounts(events: readonly DiscountEvent[], shopDay: ShopDay) {
  const uses = new Map<string, { orderId: string; code: string; released: boolean; day: string }>();
  const orders = new Map<string, { currency: string; placed: boolean }>();
  const placements = new Map<
    string,
    { day: string; code: string; currency: string; discount: number; grandTotal: number }
  >();
  const touched = new Set<string>();
  for (const e of events) {
    if (e.type === 'CheckoutStarted' || e.type === 'OrderPlaced') {
      // Without a code it changes nothing here, so it settles nothing either.
      if (e.code === undefined) continue;
      touched.add(e.orderId);
      let order = orders.get(e.orderId);
      if (!order) {
        order = { currency: e.currency, placed: false };
        orders.set(e.orderId, order);
      }
      if (e.type === 'OrderPlaced') order.placed = true;
      if (e.type === 'OrderPlaced' && !placements.has(e.orderId)) {
        const { currency, discount, grandTotal } = e;
        placements.set(e.orderId, { day: shopDay(e.at), code: codeOf(e.code), currency, discount, grandTotal });
      }
    } else {
      touched.add(e.orderId);
      if (uses.has(e.eventId)) continue;
      const { orderId, at } = e;
      const released = e.type === 'DiscountRedemptionReleased';
      uses.set(e.eventId, { orderId, code: codeOf(e.code), released, day: shopDay(at) });
    }
  }
  return { uses, orders, placements, touched };
}
