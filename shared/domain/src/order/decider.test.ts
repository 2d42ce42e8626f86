import { describe, expect, it } from 'vitest';
import { fold } from '../decider.ts';
import { deciderSpec } from '../decider-spec.test-support.ts';
import { DomainError, NotFoundError } from '../errors.ts';
import { orderPlaced } from '../events.test-support.ts';
import { allowedActions, type OrderCommand, orderDecider } from './decider.ts';
import type { OrderEvent } from './events.ts';
import { ORDER_ACTIONS, type OrderAction, type OrderStatus, type RecordedStep } from './lifecycle.ts';

const given = deciderSpec(orderDecider);
const orderId = '0190b8a0-0000-7000-8000-00000000000a';
// Two mugs, standard shipping, 21 % tax: a grand total of 3624.
const placed = orderPlaced({ orderId });
const grandTotal = placed.data.totals.grandTotal;
const authorized: OrderEvent = { type: 'PaymentAuthorized', data: { orderId, paymentId: 'pay_1', amount: grandTotal } };
const a = (n: number) => `0190b8a0-0000-7000-8000-0000000001${String(n).padStart(2, '0')}`;
const requested = (n: number, step: RecordedStep, extra: object = {}): OrderEvent => ({
  type: 'OrderStepRequested',
  data: { orderId, actionId: a(n), step, ...extra },
});
const captureAsked = requested(1, 'capture', { amount: grandTotal });
const captured: OrderEvent = { type: 'PaymentCaptured', data: { orderId, amount: grandTotal, actionId: a(1) } };
const fulfilAsked = requested(2, 'fulfil');
const fulfilled: OrderEvent = { type: 'OrderFulfilled', data: { orderId, actionId: a(2) } };
const shipped: OrderEvent = { type: 'OrderShipped', data: { orderId, trackingNumber: 'TRK1' } };
const delivered: OrderEvent = { type: 'OrderDelivered', data: { orderId } };
const cancelAsked = requested(3, 'cancel', { reason: 'asked' });
const canceled: OrderEvent = { type: 'OrderCanceled', data: { orderId, reason: 'asked', actionId: a(3) } };

const step = (n: number, s: RecordedStep, extra: object = {}): OrderCommand => ({
  type: 'RequestStep',
  data: { orderId, actionId: a(n), step: s, ...extra },
});
const complete = (n: number): OrderCommand => ({ type: 'CompleteStep', data: { orderId, actionId: a(n) } });
const commands: Record<OrderAction, OrderCommand> = {
  authorize: { type: 'AuthorizePayment', data: { orderId, paymentId: 'pay_1' } },
  capture: step(1, 'capture'),
  fulfil: step(2, 'fulfil'),
  ship: { type: 'ShipOrder', data: { orderId, trackingNumber: 'TRK1' } },
  deliver: { type: 'DeliverOrder', data: { orderId } },
  cancel: step(3, 'cancel', { reason: 'asked' }),
  refund: step(4, 'refund', { amount: 100, reason: 'damaged' }),
};

describe('order decider', () => {
  it('walks the happy path: each money or stock step recorded as intent, then outcome', () => {
    given([placed]).when(commands.authorize).thenEmits([authorized]);
    given([placed, authorized]).when(commands.capture).thenEmits([captureAsked]);
    given([placed, authorized, captureAsked]).when(complete(1)).thenEmits([captured]);
    given([placed, authorized, captureAsked, captured]).when(commands.fulfil).thenEmits([fulfilAsked]);
    given([placed, authorized, captureAsked, captured, fulfilAsked]).when(complete(2)).thenEmits([fulfilled]);
    const done = [placed, authorized, captureAsked, captured, fulfilAsked, fulfilled];
    given(done).when(commands.ship).thenEmits([shipped]);
    given([...done, shipped])
      .when(commands.deliver)
      .thenEmits([delivered]);
  });

  it('lets one step run at a time: another is refused as busy, the same one again records nothing', () => {
    const busy = [placed, authorized, cancelAsked];
    given(busy).when(commands.capture).thenThrows(DomainError, 'order-busy');
    given(busy)
      .when(step(9, 'cancel', { reason: 'again' }))
      .thenThrows(DomainError, 'order-busy');
    given(busy).when(commands.cancel).thenEmits([]);
    // Ended already: completing it again adds nothing. A retried request after the end is
    // refused here and answered by the runner from the log (order-actions.ts: stepRecorded).
    given([...busy, canceled])
      .when(complete(3))
      .thenEmits([]);
    given([...busy, canceled])
      .when(commands.cancel)
      .thenThrows(DomainError, 'illegal-transition');
    const failed: OrderEvent = {
      type: 'OrderStepFailed',
      data: { orderId, actionId: a(1), step: 'capture', code: 'payment-provider-refused', detail: 'no' },
    };
    given([placed, authorized, captureAsked])
      .when({ type: 'FailStep', data: { orderId, actionId: a(1), code: 'payment-provider-refused', detail: 'no' } })
      .thenEmits([failed]);
    // A refused step frees the order.
    given([placed, authorized, captureAsked, failed]).when(commands.cancel).thenEmits([cancelAsked]);
  });

  it('refuses every illegal transition, naming what is allowed', () => {
    // Every status of the lifecycle, each with a history that reaches it.
    const histories: Record<OrderStatus, OrderEvent[]> = {
      placed: [placed],
      authorized: [placed, authorized],
      captured: [placed, authorized, captureAsked, captured],
      fulfilled: [placed, authorized, captureAsked, captured, fulfilAsked, fulfilled],
      shipped: [placed, authorized, captureAsked, captured, fulfilAsked, fulfilled, shipped],
      delivered: [placed, authorized, captureAsked, captured, fulfilAsked, fulfilled, shipped, delivered],
      canceled: [placed, cancelAsked, canceled],
    };
    let refused = 0;
    for (const [status, history] of Object.entries(histories)) {
      const state = fold(orderDecider, history);
      expect(state.status).toBe(status);
      const allowed = allowedActions(state);
      for (const action of ORDER_ACTIONS) {
        const command = commands[action];
        if (allowed.includes(action)) continue;
        // A step that ran in this history is recognised as a repeat, not refused.
        if (command.type === 'RequestStep' && state.status !== 'none' && state.status !== 'expired') {
          if (state.pending?.actionId === command.data.actionId) continue;
        }
        given(history).when(command).thenThrows(DomainError, 'illegal-transition');
        try {
          orderDecider.decide(command, state);
        } catch (error) {
          expect((error as Error).message).toContain(status);
        }
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(25);
  });

  it('cancels before fulfilment: voids the payment it knows, or refunds whatever was captured', () => {
    given([placed, cancelAsked]).when(complete(3)).thenEmits([canceled]);
    given([orderPlaced({ orderId, paymentId: 'pay_1' }), cancelAsked])
      .when(complete(3))
      .thenEmits([
        { type: 'PaymentVoided', data: { orderId, paymentId: 'pay_1', reason: 'asked', actionId: a(3) } },
        canceled,
      ]);
    given([placed, authorized, captureAsked, captured, cancelAsked])
      .when(complete(3))
      .thenEmits([
        { type: 'OrderRefunded', data: { orderId, amount: grandTotal, reason: 'asked', actionId: a(3) } },
        canceled,
      ]);
  });

  it('refunds in parts, never more than was captured', () => {
    const paid = [placed, authorized, captureAsked, captured];
    const ask = requested(5, 'refund', { amount: 3000, reason: 'damaged' });
    const part: OrderEvent = {
      type: 'OrderRefunded',
      data: { orderId, amount: 3000, reason: 'damaged', actionId: a(5) },
    };
    given(paid)
      .when(step(5, 'refund', { amount: 3000, reason: 'damaged' }))
      .thenEmits([ask]);
    given([...paid, ask])
      .when(complete(5))
      .thenEmits([part]);
    given([...paid, ask, part])
      .when(step(6, 'refund', { amount: 625, reason: 'again' }))
      .thenThrows(DomainError, 'refund-too-large');
    const rest: OrderEvent = { type: 'OrderRefunded', data: { orderId, amount: 624, reason: 'rest', actionId: a(7) } };
    expect(allowedActions(fold(orderDecider, [...paid, fulfilAsked, fulfilled, ask, part, rest]))).toEqual(['ship']);
    given([placed, authorized]).when(commands.refund).thenThrows(DomainError, 'illegal-transition');
  });

  it('places an order once; an expired one never; an unknown order is not found', () => {
    given([placed]).when({ type: 'PlaceOrder', data: placed.data }).thenThrows(DomainError, 'order-exists');
    const expired: OrderEvent = { type: 'OrderExpired', data: { orderId, reason: 'stock hold expired' } };
    given([])
      .when({ type: 'ExpireOrder', data: { orderId, reason: 'stock hold expired' } })
      .thenEmits([expired]);
    given([expired]).when({ type: 'PlaceOrder', data: placed.data }).thenThrows(DomainError, 'checkout-expired');
    given([placed])
      .when({ type: 'ExpireOrder', data: { orderId, reason: 'late' } })
      .thenThrows(DomainError, 'order-exists');
    given([]).when(commands.capture).thenThrows(NotFoundError);
  });

  it('voids a payment that succeeded after the order was canceled, once', () => {
    const late: OrderCommand = { type: 'VoidLatePayment', data: { orderId, paymentId: 'pay_2' } };
    const voided: OrderEvent = {
      type: 'PaymentVoided',
      data: { orderId, paymentId: 'pay_2', reason: 'paid after the order was canceled' },
    };
    given([placed, cancelAsked, canceled]).when(late).thenEmits([voided]);
    given([placed, cancelAsked, canceled, voided]).when(late).thenEmits([]);
    given([placed]).when(late).thenThrows(DomainError, 'order-not-canceled');
  });
});
