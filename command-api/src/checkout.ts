import {
  type CheckoutCommand,
  checkoutDecider,
  checkoutStream,
  nextStep,
  type Running,
  stepsTaken,
} from '@flowdose/domain/checkout/process';
import { DomainError, NotFoundError, type RefusalCode, recordedRefusal } from '@flowdose/domain/errors';
import { ProcessIncompleteError } from '@flowdose/shared/errors';
import type { Position } from '@flowdose/shared/event-store/position';
import type { CommandContext } from '@flowdose/shared/http/context';
import { type Caller, type CheckoutRequest, planCheckout } from './checkout/plan.ts';
import { type CheckoutDeps, STEPS, stepCtx } from './checkout/steps.ts';
import { failpoint } from './failpoints.ts';
import { handle, loadState, newId } from './handle-command.ts';
import { closeProcess, openProcess } from './open-processes.ts';

export type { CheckoutRequest };

/**
 * Turns a cart into an order without a multi-stream transaction (KurrentDB has none), as a
 * process recorded in its own stream: hold stock SKU by SKU, redeem the discount, take the
 * payment, place the order, close the cart (checkout/steps.ts). Each step records its
 * outcome; the order id derives from the Idempotency-Key, so a retry after a crash anywhere
 * continues the same process and answers what the first run answered (the same order, 201,
 * or the same refusal). A process that cannot finish gives back what it took before it answers.
 */
export async function checkout(
  deps: CheckoutDeps,
  ctx: CommandContext,
  caller: Caller,
  cartId: string,
  request: CheckoutRequest,
): Promise<{ orderId: string; position: Position }> {
  const orderId = newId(ctx, `order:${cartId}`);
  const stream = checkoutStream(orderId);
  const { state } = await loadState(deps.store, checkoutDecider, stream);
  if (state.status === 'none') {
    const plan = await planCheckout(deps, caller, cartId, orderId, request);
    // Listed before the process's first event, so a crash right after it is still found.
    await openProcess(deps.pool, stream);
    await record(deps, ctx, orderId, { type: 'StartCheckout', data: { orderId, plan } });
    failpoint(deps.config, 'checkout:started');
  }
  return runCheckout(deps, ctx, orderId);
}

const record = (deps: CheckoutDeps, ctx: CommandContext, orderId: string, command: CheckoutCommand) =>
  handle(
    deps.store,
    checkoutDecider,
    checkoutStream(orderId),
    command,
    stepCtx(ctx, orderId, command.type === 'RecordStep' ? command.event.type : command.type),
  );

/** Records that the checkout cannot finish; the next run gives back what it took. */
export const giveUpCheckout = (
  deps: CheckoutDeps,
  ctx: CommandContext,
  orderId: string,
  code: RefusalCode,
  detail: string,
  { stalled = false } = {},
) => record(deps, ctx, orderId, { type: 'GiveUp', data: { orderId, code, detail }, stalled });

type StepEvent = Extract<CheckoutCommand, { type: 'RecordStep' }>['event'];

/** Records one step's outcome; a crash test may stop the process right after it. */
const recordStep = (deps: CheckoutDeps, ctx: CommandContext, orderId: string, event: StepEvent) =>
  record(deps, ctx, orderId, { type: 'RecordStep', event }).then(() =>
    failpoint(deps.config, `checkout:${event.type}`),
  );

const isOutOfOrder = (error: unknown) => error instanceof DomainError && error.code === 'checkout-step-out-of-order';

/**
 * Drives a checkout from wherever its stream says it stands to its end, and answers as its
 * first run would have: the order (201) or the refusal it recorded. Used by the request, its
 * retries and the recovery sweep alike.
 */
export async function runCheckout(
  deps: CheckoutDeps,
  ctx: CommandContext,
  orderId: string,
): Promise<{ orderId: string; position: Position }> {
  const stream = checkoutStream(orderId);
  for (;;) {
    const { state, last } = await loadState(deps.store, checkoutDecider, stream);
    if (state.status === 'none') throw new NotFoundError('Checkout');
    if (state.status === 'completed') {
      await closeProcess(deps.pool, stream);
      return { orderId, position: last! };
    }
    if (state.status === 'failed') {
      await closeProcess(deps.pool, stream);
      throw recordedRefusal(state.failure!.code, state.failure!.detail);
    }
    try {
      await advance(deps, ctx, state);
    } catch (error) {
      // Another runner (the sweep giving up, a parallel retry) moved the process: look again.
      if (isOutOfOrder(error)) continue;
      if (!(error instanceof DomainError)) throw error;
      // Giving back was refused (the order busy with another step, say): not an answer to store.
      if (state.status === 'failing')
        throw new ProcessIncompleteError(`Checkout ${orderId} is still being undone: ${error.message}`);
      // A refusal (out of stock, code used up, card declined, cart changed): give back, then answer it.
      await giveUpCheckout(deps, ctx, orderId, error.code, error.message);
    }
  }
}

/** One step forward from where the process stands: the next step, or, failing, the give-back. */
async function advance(deps: CheckoutDeps, ctx: CommandContext, process: Running) {
  const { orderId } = process;
  if (process.status === 'failing') {
    await giveBack(deps, ctx, process);
    return recordStep(deps, ctx, orderId, { type: 'CheckoutFailed', data: { orderId } });
  }
  const status = nextStep(process);
  if (status === null) return;
  const step = STEPS[status];
  const outcome = await step.run(deps, ctx, process);
  failpoint(deps.config, `checkout:before-${outcome.type}`);
  try {
    await recordStep(deps, ctx, orderId, outcome);
  } catch (error) {
    // The process was given up while this step acted: its give-back may have looked before
    // the step took anything (a payment authorized just after the look-up), so the step gives
    // back its own before the runner looks again.
    if (isOutOfOrder(error)) {
      // As it stands now, failing: its undo gives the recorded reason.
      const { state: now } = await loadState(deps.store, checkoutDecider, checkoutStream(orderId));
      await step.undo?.(deps, ctx, now.status === 'none' ? process : now);
    }
    throw error;
  }
}

/** Compensation: every step taken is undone, latest first, each undo keyed so it can run again. */
async function giveBack(deps: CheckoutDeps, ctx: CommandContext, process: Running) {
  for (const status of stepsTaken(process)) await STEPS[status].undo?.(deps, ctx, process);
}
