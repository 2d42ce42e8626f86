import type { Decider } from '../decider.ts';
import { DomainError, NotFoundError, type RefusalCode } from '../errors.ts';
import { eventSchema } from '../event-schemas.ts';
import type { Currency } from '../money.ts';
import { OrderEvent, type OrderPlacedData, placedNamesItsPayment } from './events.ts';
import { ORDER_MOVES, type OrderAction, type OrderStatus, type RecordedStep } from './lifecycle.ts';

export type OrderCommand =
  | { type: 'PlaceOrder'; data: OrderPlacedData }
  | { type: 'AuthorizePayment'; data: { orderId: string; paymentId: string } }
  | { type: 'ShipOrder'; data: { orderId: string; trackingNumber: string } }
  | { type: 'DeliverOrder'; data: { orderId: string } }
  /** Records the intent of a step that moves money or stock; `CompleteStep` or `FailStep` ends it. */
  | {
      type: 'RequestStep';
      data: { orderId: string; actionId: string; step: RecordedStep; amount?: number; reason?: string };
    }
  | { type: 'CompleteStep'; data: { orderId: string; actionId: string } }
  | { type: 'FailStep'; data: { orderId: string; actionId: string; code: RefusalCode; detail: string } }
  /** The provider confirmed a payment for an order that was canceled meanwhile: it is let go. */
  | { type: 'VoidLatePayment'; data: { orderId: string; paymentId: string } }
  | { type: 'ExpireOrder'; data: { orderId: string; reason: string } };

export type PendingStep = { actionId: string; step: RecordedStep; amount: number; reason: string };
export type PlacedOrder = {
  status: OrderStatus;
  orderId: string;
  currency: Currency;
  grandTotal: number;
  /** Known from placement or from the authorization; null only for orders placed before checkout took payments. */
  paymentId: string | null;
  paymentVoided: boolean;
  captured: number;
  refunded: number;
  /** Stock held for the lines until fulfilment commits it or a cancel releases it. */
  reservations: { sku: string; reservationId: string }[];
  discountCode: string | null;
  /**
   * The step under way: while it is, no other step or transition may start. A step retried
   * after it ended is recognised by the runner from the log (its events carry its actionId),
   * not kept here: a set of every step id, copied on each step, made a long order's fold
   * quadratic.
   */
  pending: PendingStep | null;
};
export type Order = { status: 'none' } | { status: 'expired' } | PlacedOrder;

const isPlaced = (order: Order): order is PlacedOrder => order.status !== 'none' && order.status !== 'expired';

/**
 * What may happen next to an order in this status with these amounts; refund only while
 * something captured is left to refund. The back office offers exactly these steps.
 */
export function nextSteps({
  status,
  captured,
  refunded,
}: Pick<PlacedOrder, 'status' | 'captured' | 'refunded'>): OrderAction[] {
  return ORDER_MOVES[status].filter((a) => a !== 'refund' || captured - refunded > 0);
}

export function allowedActions(order: Order): OrderAction[] {
  return isPlaced(order) ? nextSteps(order) : [];
}

export const initialState = (): Order => ({ status: 'none' });

const endStep = (state: PlacedOrder): PlacedOrder => ({ ...state, pending: null });

export const evolve = (state: Order, event: OrderEvent): Order => {
  if (event.type === 'OrderPlaced') {
    return {
      status: 'placed',
      orderId: event.data.orderId,
      currency: event.data.currency,
      grandTotal: event.data.totals.grandTotal,
      paymentId: event.data.paymentId,
      paymentVoided: false,
      captured: 0,
      refunded: 0,
      reservations: event.data.reservations,
      discountCode: event.data.discountCode ?? null,
      pending: null,
    };
  }
  if (event.type === 'OrderExpired') return state.status === 'none' ? { status: 'expired' } : state;
  if (!isPlaced(state)) return state;
  switch (event.type) {
    case 'PaymentAuthorized':
      return { ...state, status: 'authorized', paymentId: event.data.paymentId };
    case 'OrderStepRequested': {
      const { actionId, step, amount = 0, reason = '' } = event.data;
      return { ...state, pending: { actionId, step, amount, reason } };
    }
    case 'OrderStepFailed':
      return endStep(state);
    case 'PaymentCaptured':
      return endStep({ ...state, status: 'captured', captured: state.captured + event.data.amount });
    case 'OrderFulfilled':
      return endStep({ ...state, status: 'fulfilled' });
    case 'OrderShipped':
      return { ...state, status: 'shipped' };
    case 'OrderDelivered':
      return { ...state, status: 'delivered' };
    case 'OrderCanceled':
      return endStep({ ...state, status: 'canceled' });
    case 'PaymentVoided':
      // A cancel's void comes before its OrderCanceled, which ends the step.
      return { ...state, paymentVoided: true };
    case 'OrderRefunded':
      // A cancel's refund comes before its OrderCanceled, which ends the step.
      return {
        ...state,
        refunded: state.refunded + event.data.amount,
        pending: state.pending?.step === 'refund' ? null : state.pending,
      };
    default: {
      const _exhaustive: never = event;
      return state;
    }
  }
};

function requirePlaced(state: Order): PlacedOrder {
  if (!isPlaced(state)) throw new NotFoundError('Order');
  return state;
}

function requireIdle(state: PlacedOrder) {
  if (state.pending) {
    throw new DomainError('order-busy', `A ${state.pending.step} of this order is under way; try again in a moment.`);
  }
}

function requireAllowed(state: PlacedOrder, action: OrderAction) {
  const allowed = allowedActions(state);
  if (!allowed.includes(action)) {
    throw new DomainError(
      'illegal-transition',
      `An order that is ${state.status} cannot ${action}; it can ${allowed.length ? allowed.join(', ') : 'no longer change'}.`,
    );
  }
}

/** What the provider is asked to move when a cancel runs: the captured rest back, or the authorization let go. */
export function cancelMoves(order: PlacedOrder): { refund: number; voidPayment: string | null } {
  const refund = order.captured - order.refunded;
  if (refund > 0) return { refund, voidPayment: null };
  return { refund: 0, voidPayment: order.paymentId && !order.paymentVoided ? order.paymentId : null };
}

function requestStep(state: PlacedOrder, data: Extract<OrderCommand, { type: 'RequestStep' }>['data']): OrderEvent[] {
  // The same request again while it runs (a retry after a crash or a lost answer): nothing new.
  if (state.pending?.actionId === data.actionId) return [];
  requireIdle(state);
  requireAllowed(state, data.step);
  const { orderId, actionId, step } = data;
  switch (step) {
    case 'capture':
      return [{ type: 'OrderStepRequested', data: { orderId, actionId, step, amount: state.grandTotal } }];
    case 'refund': {
      const left = state.captured - state.refunded;
      const amount = data.amount ?? 0;
      if (!Number.isInteger(amount) || amount <= 0 || amount > left) {
        throw new DomainError('refund-too-large', `At most ${left} can still be refunded.`);
      }
      return [
        { type: 'OrderStepRequested', data: { orderId, actionId, step, amount, reason: data.reason ?? 'refund' } },
      ];
    }
    case 'cancel':
      return [{ type: 'OrderStepRequested', data: { orderId, actionId, step, reason: data.reason ?? 'canceled' } }];
    case 'fulfil':
      return [{ type: 'OrderStepRequested', data: { orderId, actionId, step } }];
    default: {
      const _exhaustive: never = step;
      throw new Error('unknown step');
    }
  }
}

/** The outcome of the pending step, once the provider or the stock did its part. */
function completeStep(state: PlacedOrder, actionId: string): OrderEvent[] {
  const pending = state.pending;
  if (pending?.actionId !== actionId) return []; // ended already
  const { orderId } = state;
  switch (pending.step) {
    case 'capture':
      return [{ type: 'PaymentCaptured', data: { orderId, amount: pending.amount, actionId } }];
    case 'fulfil':
      return [{ type: 'OrderFulfilled', data: { orderId, actionId } }];
    case 'refund':
      return [{ type: 'OrderRefunded', data: { orderId, amount: pending.amount, reason: pending.reason, actionId } }];
    case 'cancel': {
      const { refund, voidPayment } = cancelMoves(state);
      const reason = pending.reason;
      return [
        ...(refund > 0
          ? [{ type: 'OrderRefunded' as const, data: { orderId, amount: refund, reason, actionId } }]
          : []),
        ...(voidPayment
          ? [{ type: 'PaymentVoided' as const, data: { orderId, paymentId: voidPayment, reason, actionId } }]
          : []),
        { type: 'OrderCanceled', data: { orderId, reason, actionId } },
      ];
    }
    default: {
      const _exhaustive: never = pending.step;
      throw new Error('unknown step');
    }
  }
}

export const decide = (command: OrderCommand, state: Order): OrderEvent[] => {
  switch (command.type) {
    case 'PlaceOrder':
      if (state.status === 'expired')
        throw new DomainError('checkout-expired', 'This checkout took too long and its stock hold was released.');
      if (state.status !== 'none') throw new DomainError('order-exists', 'This order exists already.');
      return [{ type: 'OrderPlaced', data: command.data }];
    case 'ExpireOrder':
      if (state.status !== 'none') throw new DomainError('order-exists', 'This order exists already.');
      return [{ type: 'OrderExpired', data: command.data }];
    case 'RequestStep':
      return requestStep(requirePlaced(state), command.data);
    case 'CompleteStep':
      return completeStep(requirePlaced(state), command.data.actionId);
    case 'FailStep': {
      const order = requirePlaced(state);
      if (order.pending?.actionId !== command.data.actionId) return [];
      return [{ type: 'OrderStepFailed', data: { ...command.data, step: order.pending.step } }];
    }
    case 'VoidLatePayment': {
      const order = requirePlaced(state);
      if (order.status !== 'canceled') throw new DomainError('order-not-canceled', 'Only a canceled order voids late.');
      if (order.paymentVoided) return [];
      return [{ type: 'PaymentVoided', data: { ...command.data, reason: 'paid after the order was canceled' } }];
    }
    case 'AuthorizePayment': {
      const order = requirePlaced(state);
      requireIdle(order);
      requireAllowed(order, 'authorize');
      return [
        {
          type: 'PaymentAuthorized',
          data: { orderId: order.orderId, paymentId: command.data.paymentId, amount: order.grandTotal },
        },
      ];
    }
    case 'ShipOrder': {
      const order = requirePlaced(state);
      requireIdle(order);
      requireAllowed(order, 'ship');
      return [{ type: 'OrderShipped', data: { orderId: order.orderId, trackingNumber: command.data.trackingNumber } }];
    }
    case 'DeliverOrder': {
      const order = requirePlaced(state);
      requireIdle(order);
      requireAllowed(order, 'deliver');
      return [{ type: 'OrderDelivered', data: { orderId: order.orderId } }];
    }
    default: {
      const _exhaustive: never = command;
      throw new Error('unknown command');
    }
  }
};

export const orderDecider: Decider<OrderCommand, OrderEvent, Order> = {
  decide,
  evolve,
  initialState,
  events: eventSchema(OrderEvent, { version: 2, upcasters: { 1: placedNamesItsPayment } }),
};
