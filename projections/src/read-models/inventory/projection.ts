import { inventoryDecider } from '@flowdose/domain/inventory/decider';
import { inventoryEventTypes } from '@flowdose/domain/inventory/events';
import { defineProjection, sql } from '../../projection.ts';
import { INVENTORY, inventoryTables } from './tables.ts';

export const inventoryProjection = defineProjection({
  name: INVENTORY,
  version: 3, // 2: reservations.order_id; 3: reservations.held_at
  events: inventoryDecider.events,
  handles: inventoryEventTypes,
  tables: inventoryTables,
  apply(event, recorded, s) {
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
            `insert into ${s}.reservations (reservation_id, sku, quantity, held_at, expires_at, order_id)
             values ($1, $2, $3, $4, $5, $6)`,
            [reservationId, sku, quantity, at, expiresAt, orderId ?? null],
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
