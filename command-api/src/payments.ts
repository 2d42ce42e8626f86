import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { DomainError } from '@flowdose/shared/errors';
import type { Currency } from '@flowdose/shared/money';

export type PaymentRequest = { orderId: string; amount: number; currency: Currency; cardNumber: string };
export type PaymentResult =
  | { status: 'authorized'; paymentId: string }
  | { status: 'declined'; reason: string }
  | { status: 'requires_confirmation'; paymentId: string };
/** A money movement on an authorized payment; the key makes a retried call move money once. */
export type PaymentMovement = { paymentId: string; amount: number; currency: Currency; idempotencyKey: string };

/** Where payments go: a real provider later, the test provider now. */
export type PaymentProvider = {
  authorize: (request: PaymentRequest) => Promise<PaymentResult>;
  capture: (movement: PaymentMovement) => Promise<void>;
  refund: (movement: PaymentMovement) => Promise<void>;
  /** Lets an authorization that will never be captured go. */
  void: (payment: { paymentId: string; idempotencyKey: string }) => Promise<void>;
};

export class PaymentProviderError extends DomainError {
  constructor(reason: string) {
    super('payment-provider-refused', reason, 502);
  }
}

const TEST_PAYMENT = /^pay_test_[0-9a-f]{24}$/;
const requireTestPayment = (paymentId: string) => {
  if (!TEST_PAYMENT.test(paymentId)) throw new PaymentProviderError(`The test provider knows no payment ${paymentId}.`);
};

/**
 * The built-in test provider. Documented cards:
 * 4242 4242 4242 4242 authorizes; 4000 0000 0000 0002 is declined;
 * 4000 0000 0000 3220 needs a later confirmation (the payment webhook); any other number is
 * declined as unknown. The payment id derives from the order, so a retried checkout never
 * pays twice. Capture, refund and void succeed for its own payments.
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
  async capture({ paymentId }) {
    requireTestPayment(paymentId);
  },
  async refund({ paymentId }) {
    requireTestPayment(paymentId);
  },
  async void({ paymentId }) {
    requireTestPayment(paymentId);
  },
};

// A webhook older than this is refused, so a captured request cannot be replayed later.
const WEBHOOK_TOLERANCE_SECONDS = 300;

const hmac = (secret: string, timestamp: number, body: Buffer | string) =>
  createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');

/** The `Flowdose-Signature` header a provider sends: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`. */
export const signWebhook = (secret: string, body: string, at = new Date()) => {
  const timestamp = Math.floor(at.getTime() / 1000);
  return `t=${timestamp},v1=${hmac(secret, timestamp, body)}`;
};

/** True when the header signs this very body with our secret, recently enough. */
export function verifyWebhook(secret: string, header: string | undefined, body: Buffer, now: Date): boolean {
  const parts = new Map(
    (header ?? '').split(',').map((part) => {
      const at = part.indexOf('=');
      return [part.slice(0, at).trim(), part.slice(at + 1).trim()] as const;
    }),
  );
  const timestamp = Number(parts.get('t'));
  const given = parts.get('v1') ?? '';
  if (!Number.isInteger(timestamp) || !/^[0-9a-f]{64}$/.test(given)) return false;
  if (Math.abs(now.getTime() / 1000 - timestamp) > WEBHOOK_TOLERANCE_SECONDS) return false;
  return timingSafeEqual(Buffer.from(given, 'hex'), Buffer.from(hmac(secret, timestamp, body), 'hex'));
}
