import type { CartCommand } from '@flowdose/domain/cart/commands';
import { type Cart, decide, evolve, initialState } from '@flowdose/domain/cart/rules';
import { itemCountOf, subtotalOf } from '@flowdose/domain/cart/totals';
import { DomainError, NotFoundError } from '@flowdose/domain/errors';
import type { Money } from '@flowdose/domain/money';
import type { CartOp, CartRef, ServerLine, SkuInfo } from './store';

// The offline cart is the server's cart decider folding the outbox over the cart the server
// last answered: its limits, merging and totals are the server's, not a copy of them.

export type CartLine = {
  sku: string;
  quantity: number;
  unitPrice: Money | null;
  info: SkuInfo | undefined;
  /** A change not yet accepted by the server. */
  pending: boolean;
  /** Why the server (or the same rules, here) refused the last change to this line. */
  refusal: string | undefined;
  /** The price the shopper saw when they added it, when the server's price is another. */
  priceWas: Money | undefined;
};

export type CartTotals = { itemCount: number; subtotal: Money };

/** The server's cart as last read, as the decider's state. */
export function serverCart(ref: CartRef | undefined, lines: readonly ServerLine[]): Cart {
  if (!ref) return initialState();
  const { cartId, currency } = ref;
  return lines.reduce(
    (cart, { lineId, sku, quantity, unitPrice }) =>
      evolve(cart, { type: 'CartItemAdded', data: { cartId, lineId, sku, quantity, unitPrice } }),
    evolve(initialState(), { type: 'CartOpened', data: { cartId, currency, customerId: null } }),
  );
}

export const linesOf = (cart: Cart): ServerLine[] => (cart.status === 'open' ? [...cart.lines.values()] : []);

/**
 * The command an outbox change is against `cart`: a change is made by SKU, the cart's lines
 * are known by id. A new line takes `lineId` and is priced at `unitPrice`, what the shopper
 * saw (the server prices it from the catalog). Null when there is nothing to decide: a cart
 * already open, a line that is not there (as the sender skips them), a price not known.
 */
function commandFor(op: CartOp, cart: Cart, lineId: string, unitPrice: Money | undefined): CartCommand | null {
  if (op.kind === 'open')
    return cart.status === 'empty'
      ? { type: 'OpenCart', data: { cartId: '', currency: op.currency, customerId: null } }
      : null;
  const cartId = cart.status === 'empty' ? '' : cart.cartId;
  const line = linesOf(cart).find((l) => l.sku === op.sku);
  if (op.kind === 'add') {
    const price = line?.unitPrice ?? unitPrice;
    if (!price) return null;
    return { type: 'AddCartItem', data: { cartId, lineId, sku: op.sku, quantity: op.quantity, unitPrice: price } };
  }
  if (!line) return null;
  if (op.kind === 'set')
    return { type: 'ChangeCartItemQuantity', data: { cartId, lineId: line.lineId, quantity: op.quantity } };
  return { type: 'RemoveCartItem', data: { cartId, lineId: line.lineId } };
}

/** `cart` with `op` decided and applied; throws the decider's refusal. */
export function applyChange(cart: Cart, op: CartOp, lineId: string, unitPrice: Money | undefined): Cart {
  const command = commandFor(op, cart, lineId, unitPrice);
  return command ? decide(command, cart).reduce(evolve, cart) : cart;
}

const samePrice = (a: Money | undefined, b: Money | null) =>
  !a || !b || (a.amount === b.amount && a.currency === b.currency);

/**
 * What the shopper sees: the cart as the server last said, with every change still in the
 * outbox decided and applied on top, in order. A change the rules refuse shows its refusal
 * on its line at once (the server will refuse it too); lines are shown by SKU.
 */
export function cartView(
  ref: CartRef | undefined,
  server: ServerLine[],
  outbox: CartOp[],
  skus: Map<string, SkuInfo>,
  refusals: Map<string, string>,
): { lines: CartLine[]; totals: CartTotals | null } {
  let cart = serverCart(ref, server);
  const changed = new Set<string>();
  const refused = new Map(refusals);
  for (const op of outbox) {
    try {
      cart = applyChange(cart, op, op.key, op.kind === 'open' ? undefined : skus.get(op.sku)?.unitPrice);
      if (op.kind !== 'open') changed.add(op.sku);
    } catch (error) {
      if (!(error instanceof DomainError || error instanceof NotFoundError) || op.kind === 'open') throw error;
      refused.set(op.sku, error.message);
    }
  }
  const lines = new Map<string, CartLine>();
  for (const { sku, quantity, unitPrice } of linesOf(cart)) {
    const info = skus.get(sku);
    const priceWas = samePrice(info?.unitPrice, unitPrice) ? undefined : info?.unitPrice;
    lines.set(sku, { sku, quantity, unitPrice, info, pending: changed.has(sku), refusal: undefined, priceWas });
  }
  for (const [sku, detail] of refused) {
    const line = lines.get(sku);
    lines.set(
      sku,
      line
        ? { ...line, refusal: detail }
        : {
            sku,
            quantity: 0,
            unitPrice: null,
            info: skus.get(sku),
            pending: false,
            refusal: detail,
            priceWas: undefined,
          },
    );
  }
  const priced = linesOf(cart);
  const totals =
    cart.status === 'open'
      ? { itemCount: itemCountOf(priced), subtotal: { amount: subtotalOf(priced), currency: cart.currency } }
      : null;
  return { lines: [...lines.values()], totals };
}
