import { describe, expect, it } from 'vitest';
import { fold } from '../decider.ts';
import { deciderSpec } from '../decider-spec.test-support.ts';
import { DomainError } from '../errors.ts';
import {
  type CheckoutEvent,
  type CheckoutPlan,
  checkoutDecider,
  isFinished,
  nextStep,
  type Running,
  rollsForward,
  stepsTaken,
} from './process.ts';

const given = deciderSpec(checkoutDecider);
const orderId = '0190b8a0-0000-7000-8000-00000000000a';
const plan = { cartId: '0190b8a0-0000-7000-8000-00000000000b', order: {} } as CheckoutPlan;
const withCode = { ...plan, order: { discountCode: 'SPRING' } } as CheckoutPlan;
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
    const giveUp = { type: 'GiveUp' as const, data: { orderId, code: 'out-of-stock' as const, detail: 'none left' } };
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

  it('a stalled checkout is given up only before the point of no return, judged on the state it is appended at', () => {
    const stalled = {
      type: 'GiveUp' as const,
      data: { orderId, code: 'checkout-abandoned' as const, detail: 'stopped half-way' },
      stalled: true,
    };
    given([started, held, requested])
      .when(stalled)
      .thenEmits([{ type: 'CheckoutFailing', data: stalled.data }]);
    // The runner got paid between the sweep's look and its append: finished, not undone.
    given([started, held, requested, paid]).when(stalled).thenEmits([]);
    given([started, held, requested, paid, placed]).when(stalled).thenEmits([]);
  });

  it('runs the discount step only for a plan with a code, and records payment after either', () => {
    const redeemed: CheckoutEvent = { type: 'CheckoutDiscountRedeemed', data: { orderId, code: 'SPRING' } };
    const coded: CheckoutEvent = { type: 'CheckoutStarted', data: { orderId, plan: withCode } };
    const at = (events: CheckoutEvent[]) => fold(checkoutDecider, events) as Running;
    expect(nextStep(at([started]))).toBe('started');
    expect(nextStep(at([started, held]))).toBe('redeemed');
    expect(nextStep(at([coded, held]))).toBe('held');
    expect(nextStep(at([coded, held, redeemed]))).toBe('redeemed');
    expect(nextStep(at([started, held, requested, paid, placed]))).toBe('placed');
    expect(nextStep(at([started, failing]))).toBeNull();
    given([coded, held]).when({ type: 'RecordStep', event: requested }).thenEmits([requested]);
    given([coded, held, redeemed]).when({ type: 'RecordStep', event: requested }).thenEmits([requested]);
    given([started])
      .when({ type: 'RecordStep', event: requested })
      .thenThrows(DomainError, 'checkout-step-out-of-order');
  });

  it('undoes the steps taken, the one it stopped in included, latest first', () => {
    const coded: CheckoutEvent = { type: 'CheckoutStarted', data: { orderId, plan: withCode } };
    const at = (events: CheckoutEvent[]) => fold(checkoutDecider, events) as Running;
    expect(stepsTaken(at([started, failing]))).toEqual(['started']);
    expect(stepsTaken(at([started, held, failing]))).toEqual(['redeemed', 'started']);
    expect(stepsTaken(at([coded, held, failing]))).toEqual(['held', 'started']);
    expect(stepsTaken(at([started, held, requested, paid, failing]))).toEqual([
      'paid',
      'paying',
      'redeemed',
      'started',
    ]);
  });

  it('is carried forward once paid or giving back, and undone before', () => {
    const at = (events: CheckoutEvent[]) => fold(checkoutDecider, events) as Running;
    expect(rollsForward(at([started, held, requested]))).toBe(false);
    expect(rollsForward(at([started, held, requested, paid]))).toBe(true);
    expect(rollsForward(at([started, held, requested, paid, placed]))).toBe(true);
    expect(rollsForward(at([started, failing]))).toBe(true);
  });
});
