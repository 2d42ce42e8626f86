import { STAGES } from './tables.ts';

/** A funnel event as the fold needs it. */
export type FunnelEvent =
  | { type: 'CartOpened'; cartId: string; day: string; currency: string }
  | { type: 'CartItemAdded'; cartId: string }
  | { type: 'CartMerged'; cartId: string }
  | { type: 'CheckoutStarted'; orderId: string; cartId: string }
  | { type: 'OrderPlaced'; orderId: string; cartId: string }
  | { type: 'PaymentCaptured'; orderId: string };

/** What a chunk says of a cart: its cohort (first CartOpened seen), the furthest step its own events reach, merged. */
type CartFacts = { day: string | null; currency: string | null; stage: number; merged: boolean };
/** What a chunk says of an order: its cart (the last named), placed, paid. */
type OrderFacts = { cartId: string | null; placed: boolean; paid: boolean };

/**
 * A chunk's funnel events folded into one entry per cart and per order, as applying them one
 * by one would leave them: a cohort is set once (the first CartOpened), steps and flags are
 * only ever raised, an order's cart is the last one named. So any order, and any duplicate,
 * folds to what the events say together. The steps an order brings its cart (placed, paid)
 * are the statement's: they need what the order's earlier chunks said.
 */
export function foldFunnel(events: readonly FunnelEvent[]): {
  carts: Map<string, CartFacts>;
  orders: Map<string, OrderFacts>;
} {
  const carts = new Map<string, CartFacts>();
  const orders = new Map<string, OrderFacts>();
  const cart = (cartId: string) => {
    const facts = carts.get(cartId) ?? { day: null, currency: null, stage: STAGES.opened, merged: false };
    carts.set(cartId, facts);
    return facts;
  };
  const order = (orderId: string) => {
    const facts = orders.get(orderId) ?? { cartId: null, placed: false, paid: false };
    orders.set(orderId, facts);
    return facts;
  };
  for (const e of events) {
    switch (e.type) {
      case 'CartOpened': {
        const facts = cart(e.cartId);
        if (facts.day === null) Object.assign(facts, { day: e.day, currency: e.currency });
        break;
      }
      case 'CartItemAdded':
        cart(e.cartId).stage = Math.max(cart(e.cartId).stage, STAGES.items);
        break;
      case 'CartMerged':
        cart(e.cartId).merged = true;
        break;
      case 'CheckoutStarted':
        cart(e.cartId).stage = Math.max(cart(e.cartId).stage, STAGES.checkout);
        order(e.orderId).cartId = e.cartId;
        break;
      case 'OrderPlaced':
        Object.assign(order(e.orderId), { cartId: e.cartId, placed: true });
        break;
      case 'PaymentCaptured':
        order(e.orderId).paid = true;
        break;
      default: {
        const _exhaustive: never = e;
      }
    }
  }
  return { carts, orders };
}
