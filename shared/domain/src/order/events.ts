import { z } from 'zod';
import { Sku } from '../cart/events.ts';
import { REFUSAL_CODES } from '../errors.ts';
import type { Upcaster } from '../event-schemas.ts';
import { Id } from '../ids.ts';
import { Currency, Money } from '../money.ts';
import { RECORDED_STEPS } from './lifecycle.ts';

export const Address = z.strictObject({
  name: z.string().trim().min(1).max(200),
  line1: z.string().trim().min(1).max(200),
  line2: z.string().trim().max(200).optional(),
  city: z.string().trim().min(1).max(100),
  postalCode: z.string().trim().min(1).max(20),
  country: z.string().regex(/^[A-Z]{2}$/, 'an ISO 3166 country code'),
});

/** An amount of money in the order's currency: integer minor units, as the domain's totals compute them. */
const Amount = z.number().int().nonnegative();

export const OrderLine = z.object({
  lineId: Id,
  sku: Sku,
  quantity: z.number().int().positive(),
  unitPrice: Money,
  discount: Amount,
  tax: Amount,
});

export const OrderTotals = z.object({
  subtotal: Amount,
  discount: Amount,
  shipping: Amount,
  tax: Amount,
  grandTotal: Amount,
});

export const OrderPlaced = z.object({
  type: z.literal('OrderPlaced'),
  data: z.object({
    orderId: Id,
    cartId: Id,
    customerId: Id.nullable(),
    email: z.string(),
    currency: Currency,
    lines: z.array(OrderLine).min(1),
    totals: OrderTotals,
    shippingAddress: Address,
    shippingMethod: z.string(),
    discountCode: z.string().optional(),
    reservations: z.array(z.object({ sku: Sku, reservationId: Id })),
    /**
     * The provider's payment, kept from placement on so a cancel can void it. Null for orders
     * placed before checkout took the payment first: they learn it from `PaymentAuthorized`.
     */
    paymentId: z.string().nullable(),
  }),
});
export const PaymentAuthorized = z.object({
  type: z.literal('PaymentAuthorized'),
  data: z.object({ orderId: Id, paymentId: z.string(), amount: Amount }),
});
export const PaymentCaptured = z.object({
  type: z.literal('PaymentCaptured'),
  data: z.object({ orderId: Id, amount: Amount, actionId: Id.optional() }),
});
export const OrderFulfilled = z.object({
  type: z.literal('OrderFulfilled'),
  data: z.object({ orderId: Id, actionId: Id.optional() }),
});
export const OrderShipped = z.object({
  type: z.literal('OrderShipped'),
  data: z.object({ orderId: Id, trackingNumber: z.string().min(1).max(100) }),
});
export const OrderDelivered = z.object({ type: z.literal('OrderDelivered'), data: z.object({ orderId: Id }) });
export const OrderCanceled = z.object({
  type: z.literal('OrderCanceled'),
  data: z.object({ orderId: Id, reason: z.string().min(1).max(200), actionId: Id.optional() }),
});
export const OrderRefunded = z.object({
  type: z.literal('OrderRefunded'),
  data: z.object({
    orderId: Id,
    amount: z.number().int().positive(),
    reason: z.string().min(1).max(200),
    actionId: Id.optional(),
  }),
});

/**
 * The intent: recorded at the version read, before the provider or the stock is touched,
 * so two steps on one order cannot both start. The provider's idempotency key derives from
 * `actionId`. `amount` is what the step moves (capture, refund), `reason` why (cancel, refund).
 */
export const OrderStepRequested = z.object({
  type: z.literal('OrderStepRequested'),
  data: z.object({
    orderId: Id,
    actionId: Id,
    step: z.enum(RECORDED_STEPS),
    amount: Amount.optional(),
    reason: z.string().min(1).max(200).optional(),
  }),
});
/** The provider (or the stock) refused a requested step: nothing moved, the order is free again. */
export const OrderStepFailed = z.object({
  type: z.literal('OrderStepFailed'),
  data: z.object({
    orderId: Id,
    actionId: Id,
    step: z.enum(RECORDED_STEPS),
    code: z.enum(REFUSAL_CODES),
    detail: z.string(),
  }),
});
/** An authorization let go: by a cancel, or a payment that succeeded after its order was canceled. */
export const PaymentVoided = z.object({
  type: z.literal('PaymentVoided'),
  data: z.object({ orderId: Id, paymentId: z.string(), reason: z.string().min(1).max(200), actionId: Id.optional() }),
});
/**
 * A tombstone: the checkout that would have placed this order was given up (its stock hold
 * expired). Appended before the hold is released, so a late placement is refused.
 */
export const OrderExpired = z.object({
  type: z.literal('OrderExpired'),
  data: z.object({ orderId: Id, reason: z.string().min(1).max(200) }),
});

export const OrderEvent = z.discriminatedUnion('type', [
  OrderPlaced,
  PaymentAuthorized,
  PaymentCaptured,
  OrderFulfilled,
  OrderShipped,
  OrderDelivered,
  OrderCanceled,
  OrderRefunded,
  OrderStepRequested,
  OrderStepFailed,
  PaymentVoided,
  OrderExpired,
]);
export type OrderEvent = z.infer<typeof OrderEvent>;
export type OrderPlacedData = z.infer<typeof OrderPlaced>['data'];

/**
 * Order events v1 → v2. v1 `OrderPlaced` had an optional `paymentId`: absent in orders placed
 * before checkout authorised the payment first (those learn it from `PaymentAuthorized`),
 * present in later ones. v2 always names it, null when unknown, so no reader has to tell
 * "unknown" from "forgotten". No other order event changed shape.
 */
export const placedNamesItsPayment: Upcaster = (event) => {
  if (event.type !== 'OrderPlaced' || typeof event.data !== 'object' || event.data === null) return event;
  return { type: event.type, data: { paymentId: null, ...event.data } };
};

export const orderStream = (orderId: string) => `order-${orderId}`;
