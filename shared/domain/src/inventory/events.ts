import { z } from 'zod';
import { Sku } from '../cart/events.ts';
import { Id } from '../ids.ts';

export const Reason = z.string().trim().min(1).max(200);

export const StockRestocked = z.object({
  type: z.literal('StockRestocked'),
  data: z.object({ sku: Sku, quantity: z.number().int().positive(), reason: Reason }),
});
/** A count correction (damage, a recount): on hand moves by `delta`, either way. */
export const StockAdjusted = z.object({
  type: z.literal('StockAdjusted'),
  data: z.object({ sku: Sku, delta: z.number().int(), reason: Reason }),
});
export const StockReserved = z.object({
  type: z.literal('StockReserved'),
  // orderId: the order this stock is held for, so an expiry can tell whether it was ever placed.
  data: z.object({
    sku: Sku,
    reservationId: Id,
    quantity: z.number().int().positive(),
    expiresAt: z.iso.datetime(),
    orderId: Id.optional(),
  }),
});
export const ReservationReleased = z.object({
  type: z.literal('ReservationReleased'),
  data: z.object({ sku: Sku, reservationId: Id, reason: Reason }),
});
/** The reserved units left the warehouse: on hand and reserved both drop. */
export const ReservationCommitted = z.object({
  type: z.literal('ReservationCommitted'),
  data: z.object({ sku: Sku, reservationId: Id }),
});

export const InventoryEvent = z.discriminatedUnion('type', [
  StockRestocked,
  StockAdjusted,
  StockReserved,
  ReservationReleased,
  ReservationCommitted,
]);
export type InventoryEvent = z.infer<typeof InventoryEvent>;
export const inventoryEventTypes = InventoryEvent.options.map((o) => o.shape.type.value);

export const inventoryStream = (sku: string) => `inventory-${sku}`;
