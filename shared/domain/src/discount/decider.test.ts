import { describe, expect, it } from 'vitest';
import { fold } from '../decider.ts';
import { deciderSpec } from '../decider-spec.test-support.ts';
import { DomainError } from '../errors.ts';
import { type DiscountCommand, discountDecider, discountFor } from './decider.ts';
import type { DiscountDefinition, DiscountEvent } from './events.ts';

const given = deciderSpec(discountDecider);
const order = (n: number) => `0190b8a0-0000-7000-8000-${String(n).padStart(12, '0')}`;
const spring: DiscountDefinition = {
  code: 'SPRING',
  value: { kind: 'percent', percent: 10 },
  minimumSubtotal: { EUR: 5000 },
  validFrom: '2026-03-01T00:00:00.000Z',
  validUntil: '2026-06-01T00:00:00.000Z',
  usageLimit: 2,
};
const created: DiscountEvent = { type: 'DiscountCreated', data: spring };
const redeemed = (n: number): DiscountEvent => ({
  type: 'DiscountRedeemed',
  data: { code: 'SPRING', orderId: order(n) },
});
const use = { currency: 'EUR' as const, subtotal: 6000, at: new Date('2026-04-01T00:00:00Z') };
const redeem = (n: number, over: Partial<typeof use> = {}): DiscountCommand => ({
  type: 'RedeemDiscount',
  data: { code: 'SPRING', orderId: order(n), ...use, ...over },
});

describe('discount decider', () => {
  it('creates a code once, with a window that is not empty', () => {
    given([]).when({ type: 'CreateDiscount', data: spring }).thenEmits([created]);
    given([created]).when({ type: 'CreateDiscount', data: spring }).thenThrows(DomainError, 'discount-exists');
    given([])
      .when({ type: 'CreateDiscount', data: { ...spring, validUntil: spring.validFrom } })
      .thenThrows(DomainError, 'discount-window-empty');
  });

  it('is redeemed once per order, up to its usage limit', () => {
    given([created])
      .when(redeem(1))
      .thenEmits([redeemed(1)]);
    given([created, redeemed(1)])
      .when(redeem(1))
      .thenEmits([]);
    given([created, redeemed(1), redeemed(2)])
      .when(redeem(3))
      .thenThrows(DomainError, 'discount-exhausted');
    // An order that holds a use keeps it, even once the code is used up.
    given([created, redeemed(1), redeemed(2)])
      .when(redeem(2))
      .thenEmits([]);
  });

  it('gives a use back when its checkout fails', () => {
    const back: DiscountEvent = {
      type: 'DiscountRedemptionReleased',
      data: { code: 'SPRING', orderId: order(2), reason: 'payment declined' },
    };
    given([created, redeemed(1), redeemed(2)])
      .when({ type: 'ReleaseRedemption', data: { code: 'SPRING', orderId: order(2), reason: 'payment declined' } })
      .thenEmits([back]);
    given([created, redeemed(1), redeemed(2), back])
      .when(redeem(3))
      .thenEmits([redeemed(3)]);
    given([created])
      .when({ type: 'ReleaseRedemption', data: { code: 'SPRING', orderId: order(9), reason: 'x' } })
      .thenEmits([]);
  });

  it('refuses outside its window, below its minimum, in another currency, or once disabled', () => {
    given([created])
      .when(redeem(1, { at: new Date('2026-02-28T23:59:59Z') }))
      .thenThrows(DomainError, 'discount-not-started');
    given([created])
      .when(redeem(1, { at: new Date('2026-06-01T00:00:00Z') }))
      .thenThrows(DomainError, 'discount-expired');
    given([created])
      .when(redeem(1, { subtotal: 4999 }))
      .thenThrows(DomainError, 'discount-minimum-not-met');
    given([]).when(redeem(1)).thenThrows(DomainError, 'discount-unknown');
    const disabled: DiscountEvent = { type: 'DiscountDisabled', data: { code: 'SPRING', reason: 'leaked' } };
    given([created, disabled]).when(redeem(1)).thenThrows(DomainError, 'discount-disabled');
    const fixed: DiscountEvent = {
      type: 'DiscountCreated',
      data: { ...spring, value: { kind: 'fixed', amountOff: { USD: 500 } }, minimumSubtotal: {} },
    };
    given([fixed]).when(redeem(1)).thenThrows(DomainError, 'discount-not-applicable');
    expect(discountFor(fold(discountDecider, [fixed]), 'SPRING', { ...use, currency: 'USD' })).toEqual({
      kind: 'fixed',
      amount: 500,
    });
  });
});
