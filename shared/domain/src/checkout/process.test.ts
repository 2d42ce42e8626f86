import { describe, expect, it } from 'vitest';
import { fold } from '../decider.ts';
import { DomainError } from '../errors.ts';
import { deciderSpec } from '../testing/decider-spec.ts';
import { type CheckoutEvent, type CheckoutPlan, checkoutDecider, isFinished } from './process.ts';

const given = deciderSpec(checkoutDecider);
const orderId = '0190b8a0-0000-7000-8000-00000000000a';
const plan = { cartId: '0190b8a0-0000-7000-8000-00000000000b' } as CheckoutPlan;
const started: CheckoutEvent = { type: 'CheckoutStarted', data: { orderId, plan } };
const held: CheckoutEvent = { type: 'CheckoutStockHeld', data: { orderId } };
const requested: CheckoutEvent = {
  type: 'CheckoutPaymentRequested',
  data: { orderId, amount: 100, idempotencyKey: `authorize:${orderId}` },
};
const paid: CheckoutEvent = {
  type: 'CheckoutPaymentAuthorized',
  data: { orderId, paymentId: 'pay_1', confirmed: true },
};
const placed: CheckoutEvent = { type: 'CheckoutOrderPlaced', data: { orderId } };
const failing: CheckoutEvent = {
  type: 'CheckoutFailing',
  data: { orderId, code: 'out-of-stock', detail: 'none left' },
};

describe('checkout process', () => {
  it('records each step once, in order; a repeat of a recorded step adds nothing', () => {
    given([started]).when({ type: 'RecordStep', event: held }).thenEmits([held]);
    given([started, held]).when({ type: 'RecordStep', event: held }).thenEmits([]);
    given([started, held, requested, paid]).when({ type: 'RecordStep', event: held }).thenEmits([]);
    given([started, held]).when({ type: 'RecordStep', event: requested }).thenEmits([requested]);
    given([started]).when({ type: 'RecordStep', event: placed }).thenThrows(DomainError, 'checkout-step-out-of-order');
    given([]).when({ type: 'RecordStep', event: held }).thenThrows(DomainError, 'checkout-unknown');
    given([started]).when({ type: 'StartCheckout', data: { orderId, plan } }).thenEmits([]);
  });

  it('gives up once, remembers how far it got, and then only finishes failing', () => {
    const giveUp = { type: 'GiveUp' as const, data: { orderId, code: 'out-of-stock', detail: 'none left' } };
    given([started, held, requested, paid]).when(giveUp).thenEmits([failing]);
    given([started, failing]).when(giveUp).thenEmits([]);
    const state = fold(checkoutDecider, [started, held, requested, paid, failing]);
    expect(state).toMatchObject({ status: 'failing', reached: 'paid', payment: { paymentId: 'pay_1' } });
    given([started, failing])
      .when({ type: 'RecordStep', event: held })
      .thenThrows(DomainError, 'checkout-step-out-of-order');
    const failed: CheckoutEvent = { type: 'CheckoutFailed', data: { orderId } };
    given([started, failing]).when({ type: 'RecordStep', event: failed }).thenEmits([failed]);
    expect(isFinished(fold(checkoutDecider, [started, failing, failed]))).toBe(true);
    given([started, failing, failed]).when(giveUp).thenEmits([]);
  });
});
