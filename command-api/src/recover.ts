import { checkoutDecider, checkoutStream, isFinished, rollsForward } from '@flowdose/domain/checkout/process';
import { DomainError } from '@flowdose/domain/errors';
import { orderDecider } from '@flowdose/domain/order/decider';
import { orderStream } from '@flowdose/domain/order/events';
import type { CommandContext } from '@flowdose/shared/http/context';
import type { Logger } from '@flowdose/shared/logger';
import { giveUpCheckout, runCheckout } from './checkout.ts';
import type { Deps } from './deps.ts';
import { loadState, systemContext } from './handle-command.ts';
import { closeProcess, staleProcesses } from './open-processes.ts';
import { finishStep } from './order-actions.ts';

type RecoveryDeps = Pick<Deps, 'store' | 'pool' | 'payments' | 'clock' | 'config' | 'prices'>;

const CHECKOUT = checkoutStream('');
const ORDER = orderStream('');

/**
 * Finishes or undoes the processes a crash left half-way (those still open after
 * PROCESS_RECOVERY_SECONDS): a checkout past payment is completed (or, its cart checked out
 * another way meanwhile, given up without placing its order), an earlier one given up (its
 * holds, discount use and any authorization given back); an order step is finished. Every
 * call it makes is keyed like the first run's, so racing a late client retry is harmless.
 * Answers what it did, for the log.
 */
export async function recoverProcesses(deps: RecoveryDeps, logger: Logger) {
  const done = { checkouts: 0, orderSteps: 0, failed: 0 };
  for (const streamId of await staleProcesses(deps.pool, deps.config.PROCESS_RECOVERY_SECONDS)) {
    const ctx = systemContext('process-recovery');
    try {
      if (streamId.startsWith(CHECKOUT)) {
        await recoverCheckout(deps, ctx, streamId.slice(CHECKOUT.length));
        done.checkouts++;
      } else if (streamId.startsWith(ORDER)) {
        const orderId = streamId.slice(ORDER.length);
        const { state } = await loadState(deps.store, orderDecider, streamId);
        if (state.status !== 'none' && state.status !== 'expired' && state.pending) {
          await finishStep(deps, ctx, orderId, state.pending.actionId);
          done.orderSteps++;
        } else {
          await closeProcess(deps.pool, streamId);
        }
      } else {
        await closeProcess(deps.pool, streamId);
      }
    } catch (err) {
      // Left listed: the next sweep tries again.
      done.failed++;
      logger.warn({ err, streamId }, 'could not recover a process yet');
    }
  }
  return done;
}

async function recoverCheckout(deps: RecoveryDeps, ctx: CommandContext, orderId: string) {
  const { state } = await loadState(deps.store, checkoutDecider, checkoutStream(orderId));
  if (state.status === 'none') return closeProcess(deps.pool, checkoutStream(orderId));
  // Past the point of no return (checkout/process.ts) it is finished, before it undone.
  if (!isFinished(state) && !rollsForward(state)) {
    await giveUpCheckout(
      deps,
      ctx,
      orderId,
      'checkout-abandoned',
      'This checkout stopped half-way and was undone; check out again.',
      { stalled: true },
    );
  }
  // The process answers its own outcome; here nobody waits for it.
  await runCheckout(deps, ctx, orderId).catch((error: unknown) => {
    if (!(error instanceof DomainError)) throw error;
  });
}
