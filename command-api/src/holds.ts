import { discountDecider } from '@flowdose/domain/discount/decider';
import { discountStream } from '@flowdose/domain/discount/events';
import { type InventoryCommand, inventoryDecider, type Stock } from '@flowdose/domain/inventory/decider';
import { inventoryStream } from '@flowdose/domain/inventory/events';
import type { EventStore } from '@flowdose/shared/event-store/port';
import type { CommandContext } from '@flowdose/shared/http/context';
import { type CommandOf, handle } from './handle-command.ts';

// A sale puts many writers on one SKU's stream: more tries than the default.
export const HOT_STREAM_ATTEMPTS = 25;

type Held = { sku: string; reservationId: string };

/** Decides on each held reservation's SKU stream, a hot stream's number of tries each. */
const onEachHeld = (
  store: EventStore,
  ctx: CommandContext,
  held: Held[],
  command: (r: Held) => CommandOf<InventoryCommand, Stock>,
) =>
  Promise.all(
    held.map((r) =>
      handle(store, inventoryDecider, inventoryStream(r.sku), command(r), ctx, { attempts: HOT_STREAM_ATTEMPTS }),
    ),
  );

/**
 * Gives back stock an order or a failed checkout held; one already gone (released before, or
 * never taken) is skipped. Errors reach the caller: a process that must release retries.
 */
export const releaseReservations = (store: EventStore, ctx: CommandContext, held: Held[], reason: string) =>
  onEachHeld(
    store,
    ctx,
    held,
    // A function of the state: a hold that is gone already is skipped.
    ({ sku, reservationId }) =>
      (state) =>
        state.reservations.has(reservationId) ? { type: 'Release', data: { sku, reservationId, reason } } : null,
  );

/** The held stock leaves the warehouse: on hand drops. A hold that is gone is an error, never a skip. */
export const commitReservations = (store: EventStore, ctx: CommandContext, held: Held[]) =>
  onEachHeld(store, ctx, held, ({ sku, reservationId }) => ({ type: 'Commit', data: { sku, reservationId } }));

/** A canceled or failed order gives its use of a discount code back. */
export async function releaseDiscountUse(
  store: EventStore,
  ctx: CommandContext,
  code: string | null | undefined,
  orderId: string,
  reason: string,
) {
  if (!code) return;
  await handle(
    store,
    discountDecider,
    discountStream(code),
    { type: 'ReleaseRedemption', data: { code, orderId, reason } },
    ctx,
    {
      attempts: HOT_STREAM_ATTEMPTS,
    },
  );
}
