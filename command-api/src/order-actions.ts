import { type Order, type OrderCommand, orderDecider } from '@flowdose/shared/domain/order/decider';
import { orderStream } from '@flowdose/shared/domain/order/events';
import type { Position } from '@flowdose/shared/event-store/position';
import type { CommandContext } from '@flowdose/shared/http/context';
import type { Deps } from './app.ts';
import { handle, loadState } from './handle-command.ts';
import { commitReservations, releaseDiscountUse, releaseReservations } from './holds.ts';

type Placed = Exclude<Order, { status: 'none' }>;
type ActionDeps = Pick<Deps, 'store' | 'payments'>;

// Other streams and the provider get keys of their own, derived from the order and the
// action: one action on one order happens once, whoever retries it.
const keyed = (ctx: CommandContext, key: string): CommandContext => ({ ...ctx, idempotencyKey: key });

/**
 * An order command that reaches outside the order stream: the decider is asked first (an
 * illegal transition is refused before money or stock moves), then `before` moves them,
 * then the order records it, then `after` tidies the other streams.
 */
async function act(
  { store }: ActionDeps,
  ctx: CommandContext,
  orderId: string,
  command: OrderCommand,
  { before, after }: { before?: (order: Placed) => Promise<void>; after?: (order: Placed) => Promise<void> } = {},
): Promise<{ position: Position }> {
  const { state } = await loadState(store, orderDecider, orderStream(orderId));
  orderDecider.decide(command, state);
  const order = state as Placed;
  await before?.(order);
  const { position } = await handle(store, orderDecider, orderStream(orderId), ctx, (s) =>
    orderDecider.decide(command, s),
  );
  await after?.(order);
  return { position };
}

export const captureOrder = (deps: ActionDeps, ctx: CommandContext, orderId: string) =>
  act(
    deps,
    ctx,
    orderId,
    { type: 'CapturePayment', data: { orderId } },
    {
      before: (order) =>
        deps.payments.capture({
          paymentId: order.paymentId!,
          amount: order.grandTotal,
          currency: order.currency,
          idempotencyKey: `capture:${orderId}`,
        }),
    },
  );

/** The goods leave: the stock held for the order is committed (on hand drops) first. */
export const fulfilOrder = (deps: ActionDeps, ctx: CommandContext, orderId: string) =>
  act(
    deps,
    ctx,
    orderId,
    { type: 'FulfilOrder', data: { orderId } },
    {
      before: async (order) => {
        await commitReservations(deps.store, keyed(ctx, `fulfil:${orderId}:commit`), order.reservations);
      },
    },
  );

export const shipOrder = (deps: ActionDeps, ctx: CommandContext, orderId: string, trackingNumber: string) =>
  act(deps, ctx, orderId, { type: 'ShipOrder', data: { orderId, trackingNumber } });

export const deliverOrder = (deps: ActionDeps, ctx: CommandContext, orderId: string) =>
  act(deps, ctx, orderId, { type: 'DeliverOrder', data: { orderId } });

export const refundOrder = (deps: ActionDeps, ctx: CommandContext, orderId: string, amount: number, reason: string) =>
  act(
    deps,
    ctx,
    orderId,
    { type: 'RefundOrder', data: { orderId, amount, reason } },
    {
      before: (order) =>
        deps.payments.refund({
          paymentId: order.paymentId!,
          amount,
          currency: order.currency,
          idempotencyKey: `refund:${ctx.idempotencyKey ?? ctx.requestId}`,
        }),
    },
  );

/**
 * Cancels before fulfilment: a captured payment is refunded, an authorization voided; then
 * the held stock is released and a discount use given back. Should this process die after
 * the order is canceled, the expiry job still releases the stock of a canceled order.
 */
export const cancelOrder = (deps: ActionDeps, ctx: CommandContext, orderId: string, reason: string) =>
  act(
    deps,
    ctx,
    orderId,
    { type: 'CancelOrder', data: { orderId, reason } },
    {
      before: async (order) => {
        const owed = order.captured - order.refunded;
        if (owed > 0) {
          await deps.payments.refund({
            paymentId: order.paymentId!,
            amount: owed,
            currency: order.currency,
            idempotencyKey: `cancel:${orderId}`,
          });
        } else if (order.paymentId) {
          await deps.payments.void({ paymentId: order.paymentId, idempotencyKey: `cancel:${orderId}` });
        }
      },
      after: async (order) => {
        await Promise.all([
          releaseReservations(deps.store, keyed(ctx, `cancel:${orderId}:release`), order.reservations, reason),
          releaseDiscountUse(deps.store, keyed(ctx, `cancel:${orderId}:discount`), order.discountCode, orderId, reason),
        ]);
      },
    },
  );

/** The provider confirmed a payment that needed it (card 4000 0000 0000 3220). */
export const confirmPayment = (deps: ActionDeps, ctx: CommandContext, orderId: string, paymentId: string) =>
  act(deps, ctx, orderId, { type: 'AuthorizePayment', data: { orderId, paymentId } });
