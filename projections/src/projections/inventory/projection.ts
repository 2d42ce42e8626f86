import { type InventoryEvent, inventoryEventTypes } from '@flowdose/domain/inventory/events';
import { defineProjection, type Statement } from '../../projection.ts';

const sql = (text: string, values: unknown[]): Statement => ({ text, values });

export const inventoryProjection = defineProjection({
  name: 'inventory',
  version: 2, // 2: reservations.order_id
  handles: inventoryEventTypes,
  tables: (s) => `
    create table ${s}.stock (
      sku text primary key,
      on_hand int not null default 0,
      reserved int not null default 0,
      available int generated always as (on_hand - reserved) stored,
      updated_at timestamptz not null
    );
    create table ${s}.reservations (
      reservation_id uuid primary key,
      sku text not null,
      quantity int not null,
      expires_at timestamptz not null,
      order_id uuid
    );
    create index on ${s}.reservations (expires_at);`,
  apply(recorded, s) {
    const event = { type: recorded.type, data: recorded.data } as InventoryEvent;
    const at = recorded.createdAt;
    const move = (onHand: number | string, reserved: number | string, values: unknown[] = []) =>
      sql(
        `insert into ${s}.stock (sku, on_hand, reserved, updated_at) values ($1, ${onHand}, ${reserved}, $2)
         on conflict (sku) do update set on_hand = stock.on_hand + excluded.on_hand,
           reserved = stock.reserved + excluded.reserved, updated_at = excluded.updated_at`,
        [event.data.sku, at, ...values],
      );
    // The released or committed quantity lives on the reservation row, read inside the statement.
    const reservation = `(select quantity from ${s}.reservations where reservation_id = $3)`;
    switch (event.type) {
      case 'StockRestocked':
        return [move('$3::int', 0, [event.data.quantity])];
      case 'StockAdjusted':
        return [move('$3::int', 0, [event.data.delta])];
      case 'StockReserved': {
        const { sku, reservationId, quantity, expiresAt, orderId } = event.data;
        return [
          move(0, '$3::int', [quantity]),
          sql(
            `insert into ${s}.reservations (reservation_id, sku, quantity, expires_at, order_id) values ($1, $2, $3, $4, $5)`,
            [reservationId, sku, quantity, expiresAt, orderId ?? null],
          ),
        ];
      }
      case 'ReservationReleased':
        return [
          move(0, `-${reservation}`, [event.data.reservationId]),
          sql(`delete from ${s}.reservations where reservation_id = $1`, [event.data.reservationId]),
        ];
      case 'ReservationCommitted':
        return [
          move(`-${reservation}`, `-${reservation}`, [event.data.reservationId]),
          sql(`delete from ${s}.reservations where reservation_id = $1`, [event.data.reservationId]),
        ];
      default: {
        const _exhaustive: never = event;
        return [];
      }
    }
  },
});
