import { DomainError, NotFoundError } from '../../errors.ts';
import type { Currency } from '../../money.ts';
import type { Decider } from '../decider.ts';
import type { OrderEvent, OrderPlacedData } from './events.ts';

export type OrderCommand =
  | { type: 'PlaceOrder'; data: OrderPlacedData }
  | { type: 'AuthorizePayment'; data: { orderId: string; paymentId: string } }
  | { type: 'CapturePayment'; data: { orderId: string } }
  | { type: 'FulfilOrder'; data: { orderId: string } }
  | { type: 'ShipOrder'; data: { orderId: string; trackingNumber: string } }
  | { type: 'DeliverOrder'; data: { orderId: string } }
  | { type: 'CancelOrder'; data: { orderId: string; reason: string } }
  | { type: 'RefundOrder'; data: { orderId: string; amount: number; reason: string } };

export type OrderStatus = 'placed' | 'authorized' | 'captured' | 'fulfilled' | 'shipped' | 'delivered' | 'canceled';
export type Order =
  | { status: 'none' }
  | {
      status: OrderStatus;
      orderId: string;
      currency: Currency;
      grandTotal: number;
      paymentId: string | null;
      captured: number;
      refunded: number;
      /** Stock held for the lines until fulfilment commits it or a cancel releases it. */
      reservations: { sku: string; reservationId: string }[];
      discountCode: string | null;
    };

export type OrderAction = 'authorize' | 'capture' | 'fulfil' | 'ship' | 'deliver' | 'cancel' | 'refund';

const ACTION: Record<Exclude<OrderCommand['type'], 'PlaceOrder'>, OrderAction> = {
  AuthorizePayment: 'authorize',
  CapturePayment: 'capture',
  FulfilOrder: 'fulfil',
  ShipOrder: 'ship',
  DeliverOrder: 'deliver',
  CancelOrder: 'cancel',
  RefundOrder: 'refund',
};

// Once goods have left (fulfilled and after), an order is no longer canceled but refunded.
const MOVES: Record<OrderStatus, OrderAction[]> = {
  placed: ['authorize', 'cancel'],
  authorized: ['capture', 'cancel'],
  captured: ['fulfil', 'cancel', 'refund'],
  fulfilled: ['ship', 'refund'],
  shipped: ['deliver', 'refund'],
  delivered: ['refund'],
  canceled: [],
};

/** What may happen to an order next; refund only while something captured is left to refund. */
export function allowedActions(order: Order): OrderAction[] {
  if (order.status === 'none') return [];
  return MOVES[order.status].filter((a) => a !== 'refund' || order.captured - order.refunded > 0);
}

export const initialState = (): Order => ({ status: 'none' });

export const evolve = (state: Order, event: OrderEvent): Order => {
  if (event.type === 'OrderPlaced') {
    return {
      status: 'placed',
      orderId: event.data.orderId,
      currency: event.data.currency,
      grandTotal: event.data.totals.grandTotal,
      paymentId: null,
      captured: 0,
      refunded: 0,
      reservations: event.data.reservations,
      discountCode: event.data.discountCode ?? null,
    };
  }
  if (state.status === 'none') return state;
  switch (event.type) {
    case 'PaymentAuthorized':
      return { ...state, status: 'authorized', paymentId: event.data.paymentId };
    case 'PaymentCaptured':
      return { ...state, status: 'captured', captured: state.captured + event.data.amount };
    case 'OrderFulfilled':
      return { ...state, status: 'fulfilled' };
    case 'OrderShipped':
      return { ...state, status: 'shipped' };
    case 'OrderDelivered':
      return { ...state, status: 'delivered' };
    case 'OrderCanceled':
      return { ...state, status: 'canceled' };
    case 'OrderRefunded':
      return { ...state, refunded: state.refunded + event.data.amount };
    default: {
      const _exhaustive: never = event;
      return state;
    }
  }
};

export const decide = (command: OrderCommand, state: Order): OrderEvent[] => {
  if (command.type === 'PlaceOrder') {
    if (state.status !== 'none') throw new DomainError('order-exists', 'This order exists already.');
    return [{ type: 'OrderPlaced', data: command.data }];
  }
  if (state.status === 'none') throw new NotFoundError('Order');
  const action = ACTION[command.type];
  const allowed = allowedActions(state);
  if (!allowed.includes(action)) {
    throw new DomainError(
      'illegal-transition',
      `An order that is ${state.status} cannot ${action}; it can ${allowed.length ? allowed.join(', ') : 'no longer change'}.`,
    );
  }
  const { orderId } = state;
  switch (command.type) {
    case 'AuthorizePayment':
      return [
        { type: 'PaymentAuthorized', data: { orderId, paymentId: command.data.paymentId, amount: state.grandTotal } },
      ];
    case 'CapturePayment':
      return [{ type: 'PaymentCaptured', data: { orderId, amount: state.grandTotal } }];
    case 'FulfilOrder':
      return [{ type: 'OrderFulfilled', data: { orderId } }];
    case 'ShipOrder':
      return [{ type: 'OrderShipped', data: { orderId, trackingNumber: command.data.trackingNumber } }];
    case 'DeliverOrder':
      return [{ type: 'OrderDelivered', data: { orderId } }];
    case 'CancelOrder': {
      // A captured payment goes back whole when the order is canceled.
      const owed = state.captured - state.refunded;
      const refund: OrderEvent[] =
        owed > 0 ? [{ type: 'OrderRefunded', data: { orderId, amount: owed, reason: command.data.reason } }] : [];
      return [...refund, { type: 'OrderCanceled', data: { orderId, reason: command.data.reason } }];
    }
    case 'RefundOrder': {
      const left = state.captured - state.refunded;
      if (!Number.isInteger(command.data.amount) || command.data.amount <= 0 || command.data.amount > left) {
        throw new DomainError('refund-too-large', `At most ${left} can still be refunded.`);
      }
      return [{ type: 'OrderRefunded', data: { orderId, amount: command.data.amount, reason: command.data.reason } }];
    }
    default: {
      const _exhaustive: never = command;
      throw new Error('unknown command');
    }
  }
};

export const orderDecider: Decider<OrderCommand, OrderEvent, Order> = { decide, evolve, initialState };
