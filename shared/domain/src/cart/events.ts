import { z } from 'zod';
import { Id } from '../ids.ts';
import { Currency, Money } from '../money.ts';
import { MAX_LINE_QUANTITY } from './limits.ts';

export const Sku = z.string().regex(/^[A-Z0-9][A-Z0-9-]{0,63}$/, 'must be 1-64 upper-case letters, digits or dashes');
export const LineQuantity = z.number().int().min(1).max(MAX_LINE_QUANTITY);

export const CartOpened = z.object({
  type: z.literal('CartOpened'),
  // The owner, when a signed-in customer opened it; absent or null for a guest cart.
  data: z.object({ cartId: Id, currency: Currency, customerId: Id.nullish() }),
});
export const CartItemAdded = z.object({
  type: z.literal('CartItemAdded'),
  data: z.object({ cartId: Id, lineId: Id, sku: Sku, quantity: LineQuantity, unitPrice: Money }),
});
export const CartItemQuantityChanged = z.object({
  type: z.literal('CartItemQuantityChanged'),
  data: z.object({ cartId: Id, lineId: Id, quantity: LineQuantity }),
});
export const CartItemRemoved = z.object({
  type: z.literal('CartItemRemoved'),
  data: z.object({ cartId: Id, lineId: Id }),
});
export const CartCheckedOut = z.object({
  type: z.literal('CartCheckedOut'),
  data: z.object({ cartId: Id, orderId: Id }),
});

/** A guest cart became a signed-in customer's. */
export const CartClaimed = z.object({
  type: z.literal('CartClaimed'),
  data: z.object({ cartId: Id, customerId: Id }),
});
/** A guest cart's lines went into the customer's cart; the guest cart is closed. */
export const CartMerged = z.object({
  type: z.literal('CartMerged'),
  data: z.object({ cartId: Id, intoCartId: Id }),
});

export const CartEvent = z.discriminatedUnion('type', [
  CartOpened,
  CartItemAdded,
  CartItemQuantityChanged,
  CartItemRemoved,
  CartCheckedOut,
  CartClaimed,
  CartMerged,
]);
export type CartEvent = z.infer<typeof CartEvent>;
export const cartEventTypes = CartEvent.options.map((o) => o.shape.type.value);

export const cartStream = (cartId: string) => `cart-${cartId}`;
