import { z } from 'zod';
import { Sku } from '../cart/events.ts';
import type { Decider } from '../decider.ts';
import { DomainError } from '../errors.ts';
import { eventSchema } from '../event-schemas.ts';
import { Id } from '../ids.ts';
import { Currency } from '../money.ts';
import { OrderPlaced } from '../order/events.ts';

/**
 * A checkout is a process with its own stream, `checkout-<orderId>`: each step records its
 * outcome, so a retry after a crash (or the recovery sweep) continues from the last recorded
 * step, and a process that cannot go on records why before it gives back what it took.
 *
 *   started → held → [redeemed] → paying → paid → placed → completed
 *        any of the first five ↘ failing → failed      (compensation in between)
 */
const Plan = z.object({
  cartId: Id,
  /** The cart's version when the checkout was decided: the cart closes only at that version. */
  cartVersion: z.string().regex(/^\d+$/),
  order: OrderPlaced.shape.data.omit({ paymentId: true }),
  reservations: z.array(z.object({ sku: Sku, reservationId: Id, quantity: z.number().int().positive() })),
  expiresAt: z.string(),
  /** When the checkout was decided: a discount's window is judged at this time, whoever runs the step. */
  decidedAt: z.string(),
  currency: Currency,
  /** The provider's token for how the shopper pays: never a card number. */
  paymentMethod: z.string().min(1).max(100),
});
export type CheckoutPlan = z.infer<typeof Plan>;

const OrderRef = { orderId: Id };
export const CheckoutStarted = z.object({
  type: z.literal('CheckoutStarted'),
  data: z.object({ ...OrderRef, plan: Plan }),
});
export const CheckoutStockHeld = z.object({ type: z.literal('CheckoutStockHeld'), data: z.object(OrderRef) });
export const CheckoutDiscountRedeemed = z.object({
  type: z.literal('CheckoutDiscountRedeemed'),
  data: z.object({ ...OrderRef, code: z.string() }),
});
/** The intent to take the payment: from here on the provider may hold an authorization. */
export const CheckoutPaymentRequested = z.object({
  type: z.literal('CheckoutPaymentRequested'),
  data: z.object({ ...OrderRef, amount: z.number().int().nonnegative(), idempotencyKey: z.string() }),
});
export const CheckoutPaymentAuthorized = z.object({
  type: z.literal('CheckoutPaymentAuthorized'),
  data: z.object({ ...OrderRef, paymentId: z.string(), confirmed: z.boolean() }),
});
export const CheckoutOrderPlaced = z.object({ type: z.literal('CheckoutOrderPlaced'), data: z.object(OrderRef) });
export const CheckoutCompleted = z.object({ type: z.literal('CheckoutCompleted'), data: z.object(OrderRef) });
/** The process cannot finish: what it took is given back next, then `CheckoutFailed`. */
export const CheckoutFailing = z.object({
  type: z.literal('CheckoutFailing'),
  data: z.object({ ...OrderRef, code: z.string(), detail: z.string() }),
});
export const CheckoutFailed = z.object({ type: z.literal('CheckoutFailed'), data: z.object(OrderRef) });

export const CheckoutEvent = z.discriminatedUnion('type', [
  CheckoutStarted,
  CheckoutStockHeld,
  CheckoutDiscountRedeemed,
  CheckoutPaymentRequested,
  CheckoutPaymentAuthorized,
  CheckoutOrderPlaced,
  CheckoutCompleted,
  CheckoutFailing,
  CheckoutFailed,
]);
export type CheckoutEvent = z.infer<typeof CheckoutEvent>;
export const checkoutStream = (orderId: string) => `checkout-${orderId}`;

export type CheckoutStatus =
  | 'started'
  | 'held'
  | 'redeemed'
  | 'paying'
  | 'paid'
  | 'placed'
  | 'completed'
  | 'failing'
  | 'failed';
export type CheckoutProcess =
  | { status: 'none' }
  | {
      status: CheckoutStatus;
      orderId: string;
      plan: CheckoutPlan;
      /** Set once the provider answered; before that a compensation asks it again by key. */
      payment: { paymentId: string; confirmed: boolean } | null;
      /** The furthest step reached before failing: what a compensation must give back. */
      reached: CheckoutStatus;
      failure: { code: string; detail: string } | null;
    };

// Which step each event records, and the steps it may follow.
const STEPS: Record<
  Exclude<CheckoutEvent['type'], 'CheckoutStarted' | 'CheckoutFailing'>,
  [CheckoutStatus, CheckoutStatus[]]
> = {
  CheckoutStockHeld: ['held', ['started']],
  CheckoutDiscountRedeemed: ['redeemed', ['held']],
  CheckoutPaymentRequested: ['paying', ['held', 'redeemed']],
  CheckoutPaymentAuthorized: ['paid', ['paying']],
  CheckoutOrderPlaced: ['placed', ['paid']],
  CheckoutCompleted: ['completed', ['placed']],
  CheckoutFailed: ['failed', ['failing']],
};
const ORDER: CheckoutStatus[] = ['started', 'held', 'redeemed', 'paying', 'paid', 'placed', 'completed'];
const FINAL: CheckoutStatus[] = ['completed', 'failed'];

export const isFinished = (process: CheckoutProcess) => process.status !== 'none' && FINAL.includes(process.status);

export const initialState = (): CheckoutProcess => ({ status: 'none' });

export const evolve = (state: CheckoutProcess, event: CheckoutEvent): CheckoutProcess => {
  if (event.type === 'CheckoutStarted') {
    const { orderId, plan } = event.data;
    return { status: 'started', orderId, plan, payment: null, reached: 'started', failure: null };
  }
  if (state.status === 'none') return state;
  switch (event.type) {
    case 'CheckoutFailing':
      return { ...state, status: 'failing', failure: { code: event.data.code, detail: event.data.detail } };
    case 'CheckoutPaymentAuthorized': {
      const { paymentId, confirmed } = event.data;
      return { ...state, status: 'paid', reached: 'paid', payment: { paymentId, confirmed } };
    }
    default: {
      const [status] = STEPS[event.type];
      return { ...state, status, reached: status === 'failed' ? state.reached : status };
    }
  }
};

export type CheckoutCommand =
  | { type: 'StartCheckout'; data: { orderId: string; plan: CheckoutPlan } }
  /** Records one step's outcome; a step recorded already (a retry) records nothing. */
  | { type: 'RecordStep'; event: Exclude<CheckoutEvent, { type: 'CheckoutStarted' | 'CheckoutFailing' }> }
  | { type: 'GiveUp'; data: { orderId: string; code: string; detail: string } };

export const decide = (command: CheckoutCommand, state: CheckoutProcess): CheckoutEvent[] => {
  switch (command.type) {
    case 'StartCheckout':
      return state.status === 'none' ? [{ type: 'CheckoutStarted', data: command.data }] : [];
    case 'GiveUp':
      if (state.status === 'none') throw new DomainError('checkout-unknown', 'No such checkout.');
      // Past placement the order exists: it is canceled by the failing path, not left behind.
      if (state.status === 'failing' || isFinished(state)) return [];
      return [{ type: 'CheckoutFailing', data: command.data }];
    case 'RecordStep': {
      if (state.status === 'none') throw new DomainError('checkout-unknown', 'No such checkout.');
      const [to, from] = STEPS[command.event.type];
      if (from.includes(state.status)) return [command.event];
      // Already there or past it (a retry that raced the first run): nothing to add.
      if (state.status === to || ORDER.indexOf(state.status) > ORDER.indexOf(to)) return [];
      throw new DomainError('checkout-step-out-of-order', `A ${state.status} checkout cannot record ${to}.`);
    }
    default: {
      const _exhaustive: never = command;
      throw new Error('unknown command');
    }
  }
};

export const checkoutDecider: Decider<CheckoutCommand, CheckoutEvent, CheckoutProcess> = {
  decide,
  evolve,
  initialState,
  events: eventSchema(CheckoutEvent),
};
