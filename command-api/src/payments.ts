import { createHash } from 'node:crypto';
import type { Currency } from '@flowdose/shared/money';

export type PaymentRequest = { orderId: string; amount: number; currency: Currency; cardNumber: string };
export type PaymentResult =
  | { status: 'authorized'; paymentId: string }
  | { status: 'declined'; reason: string }
  | { status: 'requires_confirmation'; paymentId: string };

/** Where payments go: a real provider later, the test provider now. */
export type PaymentProvider = { authorize: (request: PaymentRequest) => Promise<PaymentResult> };

/**
 * The built-in test provider. Documented cards:
 * 4242 4242 4242 4242 authorizes; 4000 0000 0000 0002 is declined;
 * 4000 0000 0000 3220 needs a later confirmation; any other number is declined as unknown.
 * The payment id derives from the order, so a retried checkout never pays twice.
 */
export const testCardProvider: PaymentProvider = {
  async authorize({ orderId, cardNumber }) {
    const paymentId = `pay_test_${createHash('sha256').update(orderId).digest('hex').slice(0, 24)}`;
    switch (cardNumber) {
      case '4242424242424242':
        return { status: 'authorized', paymentId };
      case '4000000000003220':
        return { status: 'requires_confirmation', paymentId };
      case '4000000000000002':
        return { status: 'declined', reason: 'The card was declined.' };
      default:
        return { status: 'declined', reason: 'Unknown test card; see the README for the test numbers.' };
    }
  },
};
