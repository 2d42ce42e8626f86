import { z } from 'zod';
import { Sku } from '../cart/events.ts';
import type { Decider } from '../decider.ts';
import { DomainError, REFUSAL_CODES, type RefusalCode } from '../errors.ts';
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
 *   a refusal at any step, or the sweep before paid ↘ failing → failed  (the steps taken undone between)
 *
 * The steps are listed once, in CHECKOUT_STEPS; the command API gives each its I/O (what it
 * does and how it is undone) under the same status.
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
  data: z.object({ ...OrderRef, code: z.enum(REFUSAL_CODES), detail: z.string() }),
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

type StepOutcomeType = Exclude<CheckoutEvent['type'], 'CheckoutStarted' | 'CheckoutFailing' | 'CheckoutFailed'>;
type StepShape = {
  /** Where the process stands when the step runs. */
  status: string;
  /** The event that records the step's outcome: it moves the process on to the next step's status. */
  records: StepOutcomeType;
  /** Without it the step always runs; with it, only for plans it holds for (the others go on to the next step). */
  when?: (plan: CheckoutPlan) => boolean;
};

/** The checkout's steps, in the order they run. */
export const CHECKOUT_STEPS = [
  { status: 'started', records: 'CheckoutStockHeld' },
  {
    status: 'held',
    records: 'CheckoutDiscountRedeemed',
    when: (plan: CheckoutPlan) => plan.order.discountCode !== undefined,
  },
  // The intent is recorded before the provider is asked: from then on a give-back looks for a payment.
  { status: 'redeemed', records: 'CheckoutPaymentRequested' },
  { status: 'paying', records: 'CheckoutPaymentAuthorized' },
  { status: 'paid', records: 'CheckoutOrderPlaced' },
  { status: 'placed', records: 'CheckoutCompleted' },
] as const satisfies readonly StepShape[];
const STEPS: readonly StepShape[] = CHECKOUT_STEPS;

export type StepStatus = (typeof CHECKOUT_STEPS)[number]['status'];
export type CheckoutStatus = StepStatus | 'completed' | 'failing' | 'failed';
/** The event a step's run answers, recorded as its outcome. */
export type StepOutcome<S extends StepStatus = StepStatus> = Extract<
  CheckoutEvent,
  { type: Extract<(typeof CHECKOUT_STEPS)[number], { status: S }>['records'] }
>;

/**
 * Once paid, finishing (placing the order, closing the cart) is what the shopper asked for:
 * a stalled checkout from here on is carried forward by the recovery sweep. Before it nothing
 * was promised that cannot be given back, so a stalled checkout is undone.
 */
const POINT_OF_NO_RETURN: StepStatus = 'paid';

export type CheckoutProcess =
  | { status: 'none' }
  | {
      status: CheckoutStatus;
      orderId: string;
      plan: CheckoutPlan;
      /** Set once the provider answered; before that a compensation looks the payment up by its key. */
      payment: { paymentId: string; confirmed: boolean } | null;
      /** The furthest step reached before failing: what a compensation must give back. */
      reached: CheckoutStatus;
      failure: { code: RefusalCode; detail: string } | null;
    };
export type Running = Exclude<CheckoutProcess, { status: 'none' }>;

// The statuses a checkout moves through while it succeeds, in order.
const ORDER: CheckoutStatus[] = [...STEPS.map((step) => step.status as StepStatus), 'completed'];
const FINAL: CheckoutStatus[] = ['completed', 'failed'];
const rank = (status: CheckoutStatus) => ORDER.indexOf(status);
const applies = (step: StepShape, plan: CheckoutPlan) => step.when?.(plan) ?? true;

/**
 * Per outcome event: the status it moves the process to, and the statuses it may be recorded
 * at (its step's, and an earlier step's when only optional steps lie between).
 */
const OUTCOMES = new Map(
  STEPS.map((step, i) => {
    let first = i;
    while (first > 0 && STEPS[first - 1]!.when) first--;
    const from = STEPS.slice(first, i + 1).map((s) => s.status as CheckoutStatus);
    return [step.records, { to: ORDER[i + 1]!, from }] as const;
  }),
);
const outcomeOf = (type: StepOutcomeType) => OUTCOMES.get(type)!;

/** The step the process runs from `status`: the one there, or the next its plan needs; none past the last. */
const stepFrom = (status: CheckoutStatus, plan: CheckoutPlan): number => {
  const at = rank(status);
  return at < 0 ? -1 : STEPS.findIndex((s, i) => i >= at && applies(s, plan));
};

/** The step to run now; none once the process ended or is failing. */
export function nextStep(process: Running): StepStatus | null {
  const at = stepFrom(process.status, process.plan);
  return at < 0 ? null : (STEPS[at]!.status as StepStatus);
}

/**
 * The steps a failing process may have acted in, latest first: each step up to the furthest
 * it reached, and the one it was running there (it may have acted and stopped before
 * recording its outcome).
 */
export function stepsTaken({ reached, plan }: Running): StepStatus[] {
  const running = stepFrom(reached, plan);
  return STEPS.slice(0, running < 0 ? STEPS.length : running + 1)
    .filter((s) => applies(s, plan))
    .map((s) => s.status as StepStatus)
    .reverse();
}

/** Whether a stalled process is finished rather than undone: past the point of no return, or giving back already. */
export const rollsForward = (process: Running): boolean =>
  process.status === 'failing' || rank(process.status) >= rank(POINT_OF_NO_RETURN);

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
    case 'CheckoutFailed':
      return { ...state, status: 'failed' };
    default: {
      const { to } = outcomeOf(event.type);
      const moved = { ...state, status: to, reached: to };
      if (event.type !== 'CheckoutPaymentAuthorized') return moved;
      const { paymentId, confirmed } = event.data;
      return { ...moved, payment: { paymentId, confirmed } };
    }
  }
};

export type CheckoutCommand =
  | { type: 'StartCheckout'; data: { orderId: string; plan: CheckoutPlan } }
  /** Records one step's outcome; a step recorded already (a retry) records nothing. */
  | { type: 'RecordStep'; event: Exclude<CheckoutEvent, { type: 'CheckoutStarted' | 'CheckoutFailing' }> }
  /**
   * Fails the process, to be given back. `stalled` (the recovery sweep's): only before the
   * point of no return, judged on the state this append is decided on, so a runner that got
   * paid meanwhile is finished rather than undone.
   */
  | { type: 'GiveUp'; data: { orderId: string; code: RefusalCode; detail: string }; stalled?: boolean };

export const decide = (command: CheckoutCommand, state: CheckoutProcess): CheckoutEvent[] => {
  switch (command.type) {
    case 'StartCheckout':
      return state.status === 'none' ? [{ type: 'CheckoutStarted', data: command.data }] : [];
    case 'GiveUp':
      if (state.status === 'none') throw new DomainError('checkout-unknown', 'No such checkout.');
      // Past placement the order exists: it is canceled by the failing path, not left behind.
      if (state.status === 'failing' || isFinished(state)) return [];
      if (command.stalled && rollsForward(state)) return [];
      return [{ type: 'CheckoutFailing', data: command.data }];
    case 'RecordStep': {
      if (state.status === 'none') throw new DomainError('checkout-unknown', 'No such checkout.');
      const { to, from }: { to: CheckoutStatus; from: readonly CheckoutStatus[] } =
        command.event.type === 'CheckoutFailed' ? { to: 'failed', from: ['failing'] } : outcomeOf(command.event.type);
      if (from.includes(state.status)) return [command.event];
      // Already there or past it (a retry that raced the first run): nothing to add.
      if (state.status === to || rank(state.status) > rank(to)) return [];
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
