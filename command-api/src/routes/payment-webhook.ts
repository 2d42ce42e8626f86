import { PaymentEvent } from '@flowdose/contract/command-api';
import { NotFoundError } from '@flowdose/domain/errors';
import { orderDecider } from '@flowdose/domain/order/decider';
import { orderStream } from '@flowdose/domain/order/events';
import { UnauthorizedError, ValidationError } from '@flowdose/shared/errors';
import { checkJsonShape } from '@flowdose/shared/http/json-body';
import { validate } from '@flowdose/shared/http/validate';
import express, { Router } from 'express';
import type { Deps } from '../deps.ts';
import { loadState } from '../handle-command.ts';
import { cancelOrder, confirmPayment, voidLatePayment } from '../order-actions.ts';
import { verifyWebhook } from '../payments.ts';

/**
 * The provider tells us how a payment that needed confirmation ended. The signature covers
 * the raw body, so this route parses its own; the provider's event id is the idempotency
 * key, so a delivery retried by the provider changes nothing twice.
 */
export function paymentWebhookRoute(deps: Deps): Router {
  const router = Router();
  router.post(
    '/webhooks/payments',
    express.raw({ type: 'application/json', limit: deps.config.BODY_LIMIT }),
    async (req, res) => {
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      if (!verifyWebhook(deps.config.PAYMENT_WEBHOOK_SECRET, req.get('Flowdose-Signature'), raw, deps.clock.now()))
        throw new UnauthorizedError('The webhook signature does not match.');
      const text = raw.toString('utf8');
      // The same shape rules as every other JSON body (depth, duplicate keys, NUL): signed or not.
      checkJsonShape(text);
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        throw new ValidationError([{ path: '', message: 'not JSON' }]);
      }
      const event = validate(PaymentEvent, parsed);
      const ctx = {
        ...req.context,
        actor: { userId: null, role: 'payment-provider' },
        correlationId: event.orderId,
        idempotencyKey: `payment-webhook:${event.id}`,
      };
      // A delivery repeated after it took effect is answered as received, or the provider retries
      // forever. An expired order never existed: its checkout voids the payment as it gives up.
      const { state } = await loadState(deps.store, orderDecider, orderStream(event.orderId));
      if (state.status === 'none') throw new NotFoundError('Order');
      if (event.type === 'payment.succeeded') {
        // Too late: the order was canceled meanwhile, so the money is let go, not kept.
        if (state.status === 'canceled') await voidLatePayment(deps, ctx, event.orderId, event.paymentId);
        else if (state.status === 'placed') await confirmPayment(deps, ctx, event.orderId, event.paymentId);
      } else if (state.status === 'placed') {
        await cancelOrder(deps, ctx, event.orderId, 'payment failed');
      }
      res.json({ received: true });
    },
  );
  return router;
}
