import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { DomainError } from '@flowdose/domain/errors';
import type { Currency } from '@flowdose/domain/money';
import { inTransaction, type Pool, type PoolClient } from '@flowdose/shared/db';

export type PaymentRequest = {
  orderId: string;
  amount: number;
  currency: Currency;
  /** From `paymentMethod`: what the provider charges, never a card number. */
  paymentMethod: string;
  idempotencyKey: string;
};
export type PaymentResult =
  | { status: 'authorized'; paymentId: string }
  | { status: 'declined'; reason: string }
  | { status: 'requires_confirmation'; paymentId: string };
export type PaymentStatus = 'requires_confirmation' | 'authorized' | 'captured' | 'voided';
/** A money movement on an authorized payment; the key makes a retried call move money once. */
export type PaymentMovement = { paymentId: string; amount: number; currency: Currency; idempotencyKey: string };

/**
 * Where payments go. Every call carries an idempotency key: the same key answers what it
 * answered the first time and moves nothing again. A refusal throws PaymentProviderError;
 * any other error means the outcome is unknown and the call may be repeated with its key.
 */
export type PaymentProvider = {
  /** Turns what the shopper entered into a token that may be recorded (in real providers, done in the browser). */
  paymentMethod: (payment: { method: 'test-card'; cardNumber: string }) => string;
  authorize: (request: PaymentRequest) => Promise<PaymentResult>;
  /**
   * Cancels what an `authorize` with this key made, never asking for one (a payment intent's
   * cancel): an authorization found is voided under `voidKey`, and the key answers "declined"
   * from then on, so an `authorize` still on its way cannot take the card after the give-back
   * that called this. Repeatable.
   */
  cancelAuthorization: (request: { idempotencyKey: string; voidKey: string }) => Promise<void>;
  capture: (movement: PaymentMovement) => Promise<void>;
  refund: (movement: PaymentMovement) => Promise<void>;
  /** Lets an authorization that will never be captured go. */
  void: (payment: { paymentId: string; idempotencyKey: string }) => Promise<void>;
};

export class PaymentProviderError extends DomainError {
  constructor(reason: string) {
    super('payment-provider-refused', reason);
  }
}

const TEST_METHODS: Record<string, string> = {
  '4242424242424242': 'pm_test_visa',
  '4000000000003220': 'pm_test_confirm',
  '4000000000000002': 'pm_test_declined',
};

type Call = { outcome: string; payment_id: string | null; detail: string | null };

/**
 * The built-in test provider, strict like a real one, keeping its books in Postgres (schema
 * `test_payments`) so they outlive a crashed API. Documented cards:
 * 4242 4242 4242 4242 authorizes; 4000 0000 0000 0002 is declined;
 * 4000 0000 0000 3220 needs a later confirmation (the payment webhook); any other number is
 * declined as unknown. It refuses a capture that is not of an authorized payment or exceeds
 * it, a refund beyond what was captured, a void after capture, and anything on a voided
 * payment; each call is recorded with its idempotency key, refusals too.
 */
export function testPaymentProvider(pool: Pool): PaymentProvider {
  /** Runs `work` once per (kind, key): a repeated key answers the recorded outcome. */
  const once = (
    kind: string,
    key: string,
    work: (tx: PoolClient) => Promise<{ outcome: string; paymentId?: string; amount?: number; detail?: string }>,
  ) =>
    inTransaction(pool, async (tx) => {
      await tx.query('select pg_advisory_xact_lock(hashtextextended($1, 7))', [`${kind}:${key}`]);
      const seen = await tx.query<Call>(
        'select outcome, payment_id, detail from test_payments.calls where kind = $1 and idempotency_key = $2',
        [kind, key],
      );
      if (seen.rows[0]) return seen.rows[0];
      const done = await work(tx);
      await tx.query(
        `insert into test_payments.calls (kind, idempotency_key, payment_id, amount, outcome, detail)
         values ($1, $2, $3, $4, $5, $6)`,
        [kind, key, done.paymentId ?? null, done.amount ?? null, done.outcome, done.detail ?? null],
      );
      return { outcome: done.outcome, payment_id: done.paymentId ?? null, detail: done.detail ?? null };
    });
  // A refusal is recorded like any answer, then thrown (outside the transaction, so it stays recorded).
  const settle = (call: Call) => {
    if (call.outcome === 'refused') throw new PaymentProviderError(call.detail ?? 'refused');
  };
  const lockPayment = async (tx: PoolClient, paymentId: string) =>
    (
      await tx.query<{ status: string; authorized: string; captured: string; refunded: string }>(
        'select status, authorized, captured, refunded from test_payments.payments where payment_id = $1 for update',
        [paymentId],
      )
    ).rows[0];
  const refuse = (paymentId: string, amount: number | undefined, detail: string) => ({
    outcome: 'refused',
    paymentId,
    ...(amount === undefined ? {} : { amount }),
    detail,
  });

  async function voidPayment({ paymentId, idempotencyKey }: { paymentId: string; idempotencyKey: string }) {
    const call = await once('void', idempotencyKey, async (tx) => {
      const p = await lockPayment(tx, paymentId);
      if (!p) return refuse(paymentId, undefined, `No payment ${paymentId}.`);
      if (p.status !== 'authorized' && p.status !== 'requires_confirmation')
        return refuse(paymentId, undefined, `A ${p.status} payment cannot be voided.`);
      await tx.query(`update test_payments.payments set status = 'voided' where payment_id = $1`, [paymentId]);
      return { outcome: 'voided', paymentId };
    });
    settle(call);
  }

  return {
    paymentMethod: ({ cardNumber }) => TEST_METHODS[cardNumber] ?? 'pm_test_unknown',
    async authorize({ orderId, amount, currency, paymentMethod, idempotencyKey }) {
      const paymentId = `pay_test_${createHash('sha256').update(orderId).digest('hex').slice(0, 24)}`;
      const call = await once('authorize', idempotencyKey, async (tx) => {
        const canceled = await tx.query(
          "select 1 from test_payments.calls where kind = 'cancel' and idempotency_key = $1",
          [idempotencyKey],
        );
        if (canceled.rowCount) return { outcome: 'declined', detail: 'This payment was canceled before it was asked.' };
        if (paymentMethod === 'pm_test_declined') return { outcome: 'declined', detail: 'The card was declined.' };
        if (paymentMethod !== 'pm_test_visa' && paymentMethod !== 'pm_test_confirm')
          return { outcome: 'declined', detail: 'Unknown test card; see the README for the test numbers.' };
        const status = paymentMethod === 'pm_test_visa' ? 'authorized' : 'requires_confirmation';
        await tx.query(
          `insert into test_payments.payments (payment_id, order_id, currency, authorized, status)
           values ($1, $2, $3, $4, $5)`,
          [paymentId, orderId, currency, amount, status],
        );
        return { outcome: status, paymentId, amount };
      });
      if (call.outcome === 'declined') return { status: 'declined', reason: call.detail ?? 'declined' };
      return { status: call.outcome as 'authorized' | 'requires_confirmation', paymentId: call.payment_id! };
    },
    async cancelAuthorization({ idempotencyKey, voidKey }) {
      // Under the authorization's own lock: one under way is seen whole, and none can follow.
      const found = await inTransaction(pool, async (tx) => {
        await tx.query('select pg_advisory_xact_lock(hashtextextended($1, 7))', [`authorize:${idempotencyKey}`]);
        await tx.query(
          `insert into test_payments.calls (kind, idempotency_key, outcome) values ('cancel', $1, 'canceled')
           on conflict do nothing`,
          [idempotencyKey],
        );
        const { rows } = await tx.query<{ payment_id: string; status: PaymentStatus }>(
          `select p.payment_id, p.status from test_payments.calls c join test_payments.payments p using (payment_id)
           where c.kind = 'authorize' and c.idempotency_key = $1`,
          [idempotencyKey],
        );
        return rows[0];
      });
      // One the order's cancel voided already (or a captured one, which a give-back never meets) is left be.
      if (found?.status === 'authorized' || found?.status === 'requires_confirmation') {
        await voidPayment({ paymentId: found.payment_id, idempotencyKey: voidKey });
      }
    },
    async capture({ paymentId, amount, idempotencyKey }) {
      const call = await once('capture', idempotencyKey, async (tx) => {
        const p = await lockPayment(tx, paymentId);
        if (!p) return refuse(paymentId, amount, `No payment ${paymentId}.`);
        if (p.status !== 'authorized') return refuse(paymentId, amount, `A ${p.status} payment cannot be captured.`);
        if (amount > Number(p.authorized)) return refuse(paymentId, amount, 'The capture exceeds the authorization.');
        await tx.query(`update test_payments.payments set status = 'captured', captured = $2 where payment_id = $1`, [
          paymentId,
          amount,
        ]);
        return { outcome: 'captured', paymentId, amount };
      });
      settle(call);
    },
    async refund({ paymentId, amount, idempotencyKey }) {
      const call = await once('refund', idempotencyKey, async (tx) => {
        const p = await lockPayment(tx, paymentId);
        if (!p) return refuse(paymentId, amount, `No payment ${paymentId}.`);
        if (p.status !== 'captured') return refuse(paymentId, amount, `A ${p.status} payment has nothing to refund.`);
        if (Number(p.refunded) + amount > Number(p.captured))
          return refuse(paymentId, amount, 'The refund exceeds what was captured.');
        await tx.query('update test_payments.payments set refunded = refunded + $2 where payment_id = $1', [
          paymentId,
          amount,
        ]);
        return { outcome: 'refunded', paymentId, amount };
      });
      settle(call);
    },
    void: voidPayment,
  };
}

/**
 * What the test provider does when the shopper confirms a payment that needed it (the 3-D
 * Secure step of card 4000 0000 0000 3220); it then sends `payment.succeeded` to the webhook.
 */
export async function confirmTestPayment(pool: Pool, paymentId: string, idempotencyKey = `confirm:${paymentId}`) {
  await inTransaction(pool, async (tx) => {
    await tx.query('select pg_advisory_xact_lock(hashtextextended($1, 7))', [`confirm:${idempotencyKey}`]);
    const { rowCount } = await tx.query(
      `update test_payments.payments set status = 'authorized' where payment_id = $1 and status = 'requires_confirmation'`,
      [paymentId],
    );
    await tx.query(
      `insert into test_payments.calls (kind, idempotency_key, payment_id, outcome)
       values ('confirm', $1, $2, $3) on conflict do nothing`,
      [idempotencyKey, paymentId, rowCount === 1 ? 'authorized' : 'refused'],
    );
  });
}

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
