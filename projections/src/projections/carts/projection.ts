import { type CartEvent, cartEventTypes } from '@flowdose/shared/domain/cart/events';
import { defineProjection } from '../../projection.ts';

export const cartsProjection = defineProjection({
  name: 'carts',
  version: 1,
  handles: cartEventTypes,
  tables: (s) => `
    create table ${s}.carts (
      cart_id uuid primary key,
      currency text not null,
      status text not null,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      version bigint not null
    );
    create table ${s}.cart_lines (
      cart_id uuid not null references ${s}.carts (cart_id) on delete cascade,
      line_id uuid not null,
      sku text not null,
      quantity int not null,
      unit_price bigint not null,
      added_at_position bigint not null,
      primary key (cart_id, line_id)
    );`,
  async apply(tx, recorded, s) {
    const event = { type: recorded.type, data: recorded.data } as CartEvent;
    const at = recorded.createdAt;
    const version = recorded.streamPosition;
    const touch = (cartId: string) =>
      tx.query(`update ${s}.carts set updated_at = $2, version = $3 where cart_id = $1`, [cartId, at, version]);
    switch (event.type) {
      case 'CartOpened':
        await tx.query(
          `insert into ${s}.carts (cart_id, currency, status, created_at, updated_at, version)
           values ($1, $2, 'open', $3, $3, $4)`,
          [event.data.cartId, event.data.currency, at, version],
        );
        return;
      case 'CartItemAdded': {
        const { cartId, lineId, sku, quantity, unitPrice } = event.data;
        await tx.query(
          `insert into ${s}.cart_lines (cart_id, line_id, sku, quantity, unit_price, added_at_position)
           values ($1, $2, $3, $4, $5, $6)`,
          [cartId, lineId, sku, quantity, unitPrice.amount, recorded.position.minor],
        );
        await touch(cartId);
        return;
      }
      case 'CartItemQuantityChanged':
        await tx.query(`update ${s}.cart_lines set quantity = $3 where cart_id = $1 and line_id = $2`, [
          event.data.cartId,
          event.data.lineId,
          event.data.quantity,
        ]);
        await touch(event.data.cartId);
        return;
      case 'CartItemRemoved':
        await tx.query(`delete from ${s}.cart_lines where cart_id = $1 and line_id = $2`, [
          event.data.cartId,
          event.data.lineId,
        ]);
        await touch(event.data.cartId);
        return;
      case 'CartCheckedOut':
        await tx.query(`update ${s}.carts set status = 'checked_out' where cart_id = $1`, [event.data.cartId]);
        await touch(event.data.cartId);
        return;
      default: {
        const _exhaustive: never = event;
      }
    }
  },
});
