import { DomainError, NotFoundError, recordedRefusal } from '@flowdose/domain/errors';
import { cancelMoves, type OrderCommand, orderDecider, type PlacedOrder } from '@flowdose/domain/order/decider';
import { orderStream } from '@flowdose/domain/order/events';
import type { RecordedStep } from '@flowdose/domain/order/lifecycle';
import { ProcessIncompleteError } from '@flowdose/shared/errors';
import type { Position } from '@flowdose/shared/event-store/position';
import type { CommandContext } from '@flowdose/shared/http/context';
import type { Deps } from './deps.ts';
import { failpoint } from './failpoints.ts';
import { handle, loadState, newId, withKey } from './handle-command.ts';
import { commitReservations, releaseDiscountUse, releaseReservations } from './holds.ts';
import { closeProcess, openProcess } from './open-processes.ts';

type ActionDeps = Pick<Deps, 'store' | 'payments' | 'pool' | 'config'>;

/** What a step moves outside the order stream. Each call is keyed by the step, so repeating it moves nothing twice. */
async function move(deps: ActionDeps, ctx: CommandContext, order: PlacedOrder) {
  const { actionId, step, amount, reason } = order.pending!;
  const { orderId, currency } = order;
  const paymentId = () => {
    if (!order.paymentId) throw new DomainError('payment-unknown', 'This order has no payment to move.');
    return order.paymentId;
  };
  switch (step) {
    case 'capture':
      return deps.payments.capture({ paymentId: paymentId(), amount, currency, idempotencyKey: `capture:${actionId}` });
    case 'refund':
      return deps.payments.refund({ paymentId: paymentId(), amount, currency, idempotencyKey: `refund:${actionId}` });
    case 'fulfil':
      await commitReservations(deps.store, withKey(ctx, `${actionId}:commit`), order.reservations);
      return;
    case 'cancel': {
      const { refund, voidPayment } = cancelMoves(order);
      if (refund > 0) {
        await deps.payments.refund({
          paymentId: paymentId(),
          amount: refund,
          currency,
          idempotencyKey: `cancel:${actionId}`,
        });
      } else if (voidPayment) {
        await deps.payments.void({ paymentId: voidPayment, idempotencyKey: `cancel:${actionId}` });
      }
      await releaseReservations(deps.store, withKey(ctx, `${actionId}:release`), order.reservations, reason);
      await releaseDiscountUse(deps.store, withKey(ctx, `${actionId}:discount`), order.discountCode, orderId, reason);
      return;
    }
    default: {
      const _exhaustive: never = step;
      throw new Error('unknown step');
    }
  }
}

const decideOn = (deps: ActionDeps, ctx: CommandContext, orderId: string, command: OrderCommand) =>
  handle(deps.store, orderDecider, orderStream(orderId), command, ctx);

/**
 * Finishes a requested step: moves what it moves, then records the outcome (or, when the
 * provider or the stock refuses, the failure). Safe to run again at any point: by a retry
 * of the same request, or by the recovery sweep after a crash.
 */
export async function finishStep(deps: ActionDeps, ctx: CommandContext, orderId: string, actionId: string) {
  const { state } = await loadState(deps.store, orderDecider, orderStream(orderId));
  if (state.status !== 'none' && state.status !== 'expired' && state.pending?.actionId === actionId) {
    try {
      await move(deps, ctx, state);
      failpoint(deps.config, 'order-step:moved');
      await decideOn(deps, withKey(ctx, `${actionId}:complete`), orderId, {
        type: 'CompleteStep',
        data: { orderId, actionId },
      });
    } catch (error) {
      // A refusal is final: recorded, and the order is free again. Anything else (the
      // provider unreachable, the database gone) leaves the step pending for a retry.
      if (!(error instanceof DomainError)) throw error;
      await decideOn(deps, withKey(ctx, `${actionId}:fail`), orderId, {
        type: 'FailStep',
        data: { orderId, actionId, code: error.code, detail: error.message },
      });
    }
  }
  const after = await loadState(deps.store, orderDecider, orderStream(orderId));
  if (after.state.status === 'none' || after.state.status === 'expired' || !after.state.pending) {
    await closeProcess(deps.pool, orderStream(orderId));
  }
}

/** The events a step left in the order's log (each carries the step's actionId). */
const stepEvents = async (deps: ActionDeps, orderId: string, actionId: string) =>
  (await deps.store.readStream(orderStream(orderId))).filter(
    (e) => (e.data as { actionId?: string }).actionId === actionId,
  );

/** What the step's request is answered, the first time or any time after: its outcome's position, or its refusal. */
async function answerOf(deps: ActionDeps, orderId: string, actionId: string): Promise<{ position: Position }> {
  const last = (await stepEvents(deps, orderId, actionId)).at(-1);
  if (!last) throw new NotFoundError('Order step');
  if (last.type === 'OrderStepFailed') {
    const { code, detail } = last.data as { code: string; detail: string };
    throw recordedRefusal(code, detail);
  }
  if (last.type === 'OrderStepRequested') {
    throw new ProcessIncompleteError('This step is still under way; retry with the same Idempotency-Key.');
  }
  return { position: last.position };
}

/**
 * A step that moves money or stock, as a recorded process: the intent is appended at the
 * version read (so two steps on one order cannot both start: the second is told the order
 * is busy), then the provider or the stock moves under a key derived from the intent, then
 * the outcome is recorded. The step's id derives from the Idempotency-Key: a retry, after
 * a crash anywhere, continues the same step and answers what the first run answered.
 */
export async function runOrderStep(
  deps: ActionDeps,
  ctx: CommandContext,
  orderId: string,
  request: { step: RecordedStep; amount?: number; reason?: string },
): Promise<{ position: Position }> {
  const actionId = newId(ctx, `order-step:${orderId}`);
  // Listed before the intent exists, so a crash right after it is still found by the sweep.
  await openProcess(deps.pool, orderStream(orderId));
  try {
    await decideOn(deps, withKey(ctx, `${actionId}:request`), orderId, {
      type: 'RequestStep',
      data: { orderId, actionId, ...request },
    });
  } catch (error) {
    // Refused now, but this very step ran before (a retry after it ended, its answer lost):
    // answer what it answered then.
    if (!(error instanceof DomainError) || (await stepEvents(deps, orderId, actionId)).length === 0) throw error;
  }
  failpoint(deps.config, 'order-step:requested');
  await finishStep(deps, ctx, orderId, actionId);
  return answerOf(deps, orderId, actionId);
}

export const captureOrder = (deps: ActionDeps, ctx: CommandContext, orderId: string) =>
  runOrderStep(deps, ctx, orderId, { step: 'capture' });

/** The goods leave: the stock held for the order is committed (on hand drops). */
export const fulfilOrder = (deps: ActionDeps, ctx: CommandContext, orderId: string) =>
  runOrderStep(deps, ctx, orderId, { step: 'fulfil' });

export const refundOrder = (deps: ActionDeps, ctx: CommandContext, orderId: string, amount: number, reason: string) =>
  runOrderStep(deps, ctx, orderId, { step: 'refund', amount, reason });

/**
 * Cancels before fulfilment: a captured payment is refunded, an authorization (confirmed or
 * still waiting for confirmation) voided; the held stock is released and a discount use
 * given back, all before the order is recorded canceled.
 */
export const cancelOrder = (deps: ActionDeps, ctx: CommandContext, orderId: string, reason: string) =>
  runOrderStep(deps, ctx, orderId, { step: 'cancel', reason });

export const shipOrder = (deps: ActionDeps, ctx: CommandContext, orderId: string, trackingNumber: string) =>
  decideOn(deps, ctx, orderId, { type: 'ShipOrder', data: { orderId, trackingNumber } });

export const deliverOrder = (deps: ActionDeps, ctx: CommandContext, orderId: string) =>
  decideOn(deps, ctx, orderId, { type: 'DeliverOrder', data: { orderId } });

/** The provider confirmed a payment that needed it (card 4000 0000 0000 3220). */
export const confirmPayment = (deps: ActionDeps, ctx: CommandContext, orderId: string, paymentId: string) =>
  decideOn(deps, ctx, orderId, { type: 'AuthorizePayment', data: { orderId, paymentId } });

/**
 * A payment that succeeded after its order was canceled (and not voided by the cancel):
 * let go at the provider, then recorded. The provider's retried webhook repeats both safely.
 */
export async function voidLatePayment(deps: ActionDeps, ctx: CommandContext, orderId: string, paymentId: string) {
  const { state } = await loadState(deps.store, orderDecider, orderStream(orderId));
  if (state.status !== 'canceled' || state.paymentVoided) return;
  await deps.payments.void({ paymentId, idempotencyKey: `late-void:${paymentId}` });
  await decideOn(deps, ctx, orderId, { type: 'VoidLatePayment', data: { orderId, paymentId } });
}
