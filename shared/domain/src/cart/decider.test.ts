import { describe, it } from 'vitest';
import { deciderSpec } from '../decider-spec.test-support.ts';
import { DomainError, NotFoundError } from '../errors.ts';
import { cartDecider } from './decider.ts';
import type { CartEvent } from './events.ts';

const given = deciderSpec(cartDecider);
const cartId = '0190b8a0-0000-7000-8000-000000000001';
const line1 = '0190b8a0-0000-7000-8000-0000000000a1';
const line2 = '0190b8a0-0000-7000-8000-0000000000a2';
const price = { amount: 1999, currency: 'EUR' as const };

const opened: CartEvent = { type: 'CartOpened', data: { cartId, currency: 'EUR', customerId: null } };
const redAdded: CartEvent = {
  type: 'CartItemAdded',
  data: { cartId, lineId: line1, sku: 'TSHIRT-RED-M', quantity: 2, unitPrice: price },
};
const checkedOut: CartEvent = { type: 'CartCheckedOut', data: { cartId, orderId: line2 } };
/** A cart at its line limit. */
const fiftyLines = (): CartEvent[] =>
  Array.from({ length: 50 }, (_, i) => ({
    type: 'CartItemAdded',
    data: {
      cartId,
      lineId: `0190b8a0-0000-7000-8000-${String(i).padStart(12, '0')}`,
      sku: `SKU-${i}`,
      quantity: 1,
      unitPrice: price,
    },
  }));
const add = (sku: string, quantity: number, lineId = line2, unitPrice = price) =>
  ({ type: 'AddCartItem', data: { cartId, lineId, sku, quantity, unitPrice } }) as const;

describe('cart decider', () => {
  it('opens a cart once', () => {
    given([])
      .when({ type: 'OpenCart', data: { cartId, currency: 'EUR', customerId: null } })
      .thenEmits([opened]);
    given([opened])
      .when({ type: 'OpenCart', data: { cartId, currency: 'EUR', customerId: null } })
      .thenThrows(DomainError, 'cart-exists');
  });

  it('adds a new variant as a new line', () => {
    given([opened])
      .when(add('TSHIRT-RED-M', 2, line1))
      .thenEmits([redAdded]);
  });

  it('merges the same variant into its existing line', () => {
    given([opened, redAdded])
      .when(add('TSHIRT-RED-M', 3))
      .thenEmits([{ type: 'CartItemQuantityChanged', data: { cartId, lineId: line1, quantity: 5 } }]);
  });

  it('refuses a merge past 99 items on a line', () => {
    given([opened, redAdded]).when(add('TSHIRT-RED-M', 98)).thenThrows(DomainError, 'quantity-limit');
  });

  it('refuses quantities outside 1 to 99', () => {
    given([opened]).when(add('MUG-WHITE', 0)).thenThrows(DomainError, 'invalid-quantity');
    given([opened]).when(add('MUG-WHITE', 100)).thenThrows(DomainError, 'invalid-quantity');
    given([opened, redAdded])
      .when({ type: 'ChangeCartItemQuantity', data: { cartId, lineId: line1, quantity: 100 } })
      .thenThrows(DomainError, 'invalid-quantity');
  });

  it('refuses a price in another currency than the cart', () => {
    given([opened])
      .when(add('MUG-WHITE', 1, line2, { amount: 100, currency: 'USD' as never }))
      .thenThrows(DomainError, 'currency-mismatch');
  });

  it('refuses a line past the line limit', () => {
    const lines: CartEvent[] = fiftyLines();
    given([opened, ...lines])
      .when(add('ONE-MORE', 1))
      .thenThrows(DomainError, 'too-many-lines');
  });

  it('changes a line quantity and removes a line', () => {
    given([opened, redAdded])
      .when({ type: 'ChangeCartItemQuantity', data: { cartId, lineId: line1, quantity: 7 } })
      .thenEmits([{ type: 'CartItemQuantityChanged', data: { cartId, lineId: line1, quantity: 7 } }]);
    given([opened, redAdded])
      .when({ type: 'RemoveCartItem', data: { cartId, lineId: line1 } })
      .thenEmits([{ type: 'CartItemRemoved', data: { cartId, lineId: line1 } }]);
  });

  it('answers not found for an unknown cart or line', () => {
    given([]).when(add('MUG-WHITE', 1)).thenThrows(NotFoundError);
    given([opened])
      .when({ type: 'RemoveCartItem', data: { cartId, lineId: line1 } })
      .thenThrows(NotFoundError);
    given([opened, redAdded, { type: 'CartItemRemoved', data: { cartId, lineId: line1 } }])
      .when({ type: 'ChangeCartItemQuantity', data: { cartId, lineId: line1, quantity: 1 } })
      .thenThrows(NotFoundError);
  });

  it('refuses every change once checked out', () => {
    given([opened, redAdded, checkedOut]).when(add('MUG-WHITE', 1)).thenThrows(DomainError, 'cart-not-open');
    given([opened, redAdded, checkedOut])
      .when({ type: 'RemoveCartItem', data: { cartId, lineId: line1 } })
      .thenThrows(DomainError, 'cart-not-open');
    given([opened, redAdded, checkedOut])
      .when({ type: 'ChangeCartItemQuantity', data: { cartId, lineId: line1, quantity: 1 } })
      .thenThrows(DomainError, 'cart-not-open');
  });

  it('checks out only a cart with lines', () => {
    given([opened])
      .when({ type: 'CheckOutCart', data: { cartId, orderId: line2 } })
      .thenThrows(DomainError, 'cart-empty');
    given([opened, redAdded])
      .when({ type: 'CheckOutCart', data: { cartId, orderId: line2 } })
      .thenEmits([checkedOut]);
  });

  describe('signing in with a guest cart', () => {
    const customerId = '0190b8a0-0000-7000-8000-00000000c0de';
    const target = '0190b8a0-0000-7000-8000-0000000000b1';
    const mugLine = '0190b8a0-0000-7000-8000-0000000000e1';
    const merge = (lines: { sku: string; quantity: number; lineId?: string; currency?: 'EUR' | 'USD' }[]) =>
      ({
        type: 'MergeLines',
        data: {
          cartId,
          lines: lines.map((l, i) => ({
            lineId: l.lineId ?? `0190b8a0-0000-7000-8000-0000000001${String(i).padStart(2, '0')}`,
            sku: l.sku,
            quantity: l.quantity,
            unitPrice: { amount: 1250, currency: l.currency ?? 'EUR' },
          })),
        },
      }) as const;

    it('claims an open guest cart, once', () => {
      given([opened])
        .when({ type: 'ClaimCart', data: { cartId, customerId } })
        .thenEmits([{ type: 'CartClaimed', data: { cartId, customerId } }]);
      given([opened, { type: 'CartClaimed', data: { cartId, customerId } }])
        .when({ type: 'ClaimCart', data: { cartId, customerId } })
        .thenThrows(DomainError, 'cart-owned');
    });

    it('sums the same SKU into its line up to 99 and adds new SKUs', () => {
      given([opened, redAdded])
        .when(
          merge([
            { sku: 'TSHIRT-RED-M', quantity: 200 },
            { sku: 'MUG-WHITE', quantity: 3, lineId: mugLine },
          ]),
        )
        .thenEmits([
          { type: 'CartItemQuantityChanged', data: { cartId, lineId: line1, quantity: 99 } },
          {
            type: 'CartItemAdded',
            data: {
              cartId,
              lineId: mugLine,
              sku: 'MUG-WHITE',
              quantity: 3,
              unitPrice: { amount: 1250, currency: 'EUR' },
            },
          },
        ]);
    });

    it('keeps the limits: a full line stays, no 51st line, no price in another currency', () => {
      const full: CartEvent = { type: 'CartItemQuantityChanged', data: { cartId, lineId: line1, quantity: 99 } };
      given([opened, redAdded, full])
        .when(merge([{ sku: 'TSHIRT-RED-M', quantity: 1 }]))
        .thenEmits([]);
      given([opened])
        .when(merge([{ sku: 'MUG-WHITE', quantity: 1, currency: 'USD' }]))
        .thenEmits([]);
      const fifty: CartEvent[] = fiftyLines();
      given([opened, ...fifty])
        .when(merge([{ sku: 'ONE-MORE', quantity: 1 }]))
        .thenEmits([]);
    });

    it('closes a merged guest cart for good', () => {
      given([opened, redAdded])
        .when({ type: 'CloseMergedCart', data: { cartId, intoCartId: target } })
        .thenEmits([{ type: 'CartMerged', data: { cartId, intoCartId: target } }]);
      given([opened, redAdded, { type: 'CartMerged', data: { cartId, intoCartId: target } }])
        .when(add('MUG-WHITE', 1))
        .thenThrows(DomainError, 'cart-not-open');
    });
  });
});
