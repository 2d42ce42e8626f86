import type { Currency, Money } from '../../money.ts';

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

export type CartCommand = OpenCart | AddCartItem | ChangeCartItemQuantity | RemoveCartItem | CheckOutCart;
