import type { Currency, Money } from '../money.ts';

export type OpenCart = { type: 'OpenCart'; data: { cartId: string; currency: Currency; customerId: string | null } };
export type AddCartItem = {
  type: 'AddCartItem';
  data: { cartId: string; lineId: string; sku: string; quantity: number; unitPrice: Money };
};
export type ChangeCartItemQuantity = {
  type: 'ChangeCartItemQuantity';
  data: { cartId: string; lineId: string; quantity: number };
};
export type RemoveCartItem = { type: 'RemoveCartItem'; data: { cartId: string; lineId: string } };
export type CheckOutCart = { type: 'CheckOutCart'; data: { cartId: string; orderId: string } };

export type ClaimCart = { type: 'ClaimCart'; data: { cartId: string; customerId: string } };
/** Lines from another cart, priced in this cart's currency, each with the id a new line would take. */
export type MergeLines = {
  type: 'MergeLines';
  data: { cartId: string; lines: { lineId: string; sku: string; quantity: number; unitPrice: Money }[] };
};
export type CloseMergedCart = { type: 'CloseMergedCart'; data: { cartId: string; intoCartId: string } };

export type CartCommand =
  | OpenCart
  | AddCartItem
  | ChangeCartItemQuantity
  | RemoveCartItem
  | CheckOutCart
  | ClaimCart
  | MergeLines
  | CloseMergedCart;
