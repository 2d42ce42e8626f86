import { cartDecider } from '@flowdose/domain/cart/decider';
import { cartEventTypes } from '@flowdose/domain/cart/events';
import { defineProjection, sql } from '../../projection.ts';
import { CARTS, cartsTables } from './tables.ts';

export const cartsProjection = defineProjection({
  name: CARTS,
  version: 2, // 2: carts.customer_id, the owner
  events: cartDecider.events,
  handles: cartEventTypes,
  tables: cartsTables,
  // One statement per event: the line change and the cart's touch go together.
  apply(event, recorded, s) {
    const touched = (change: string) =>
      `with change as (${change}) update ${s}.carts set updated_at = $2, version = $3 where cart_id = $1`;
    const at = [recorded.createdAt, recorded.streamPosition] as const;
    switch (event.type) {
      case 'CartOpened':
        return [
          sql(
            `insert into ${s}.carts (cart_id, created_at, updated_at, version, currency, customer_id, status)
             values ($1, $2, $2, $3, $4, $5, 'open')`,
            [event.data.cartId, ...at, event.data.currency, event.data.customerId ?? null],
          ),
        ];
      case 'CartItemAdded': {
        const { cartId, lineId, sku, quantity, unitPrice } = event.data;
        return [
          sql(
            touched(`insert into ${s}.cart_lines (cart_id, line_id, sku, quantity, unit_price, added_at_position)
                     values ($1, $4, $5, $6, $7, $8)`),
            [cartId, ...at, lineId, sku, quantity, unitPrice.amount, recorded.position.minor],
          ),
        ];
      }
      case 'CartItemQuantityChanged': {
        const { cartId, lineId, quantity } = event.data;
        return [
          sql(touched(`update ${s}.cart_lines set quantity = $5 where cart_id = $1 and line_id = $4`), [
            cartId,
            ...at,
            lineId,
            quantity,
          ]),
        ];
      }
      case 'CartItemRemoved': {
        const { cartId, lineId } = event.data;
        return [
          sql(touched(`delete from ${s}.cart_lines where cart_id = $1 and line_id = $4`), [cartId, ...at, lineId]),
        ];
      }
      case 'CartCheckedOut':
        return [
          sql(`update ${s}.carts set status = 'checked_out', updated_at = $2, version = $3 where cart_id = $1`, [
            event.data.cartId,
            ...at,
          ]),
        ];
      case 'CartClaimed':
        return [
          sql(`update ${s}.carts set customer_id = $4, updated_at = $2, version = $3 where cart_id = $1`, [
            event.data.cartId,
            ...at,
            event.data.customerId,
          ]),
        ];
      case 'CartMerged':
        return [
          sql(`update ${s}.carts set status = 'merged', updated_at = $2, version = $3 where cart_id = $1`, [
            event.data.cartId,
            ...at,
          ]),
        ];
      default: {
        const _exhaustive: never = event;
        return [];
      }
    }
  },
});
