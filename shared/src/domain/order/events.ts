import { z } from 'zod';
import { Id } from '../../ids.ts';
import { Currency, Money } from '../../money.ts';
import { Sku } from '../cart/events.ts';

export const Address = z.strictObject({
  name: z.string().trim().min(1).max(200),
  line1: z.string().trim().min(1).max(200),
  line2: z.string().trim().max(200).optional(),
  city: z.string().trim().min(1).max(100),
  postalCode: z.string().trim().min(1).max(20),
  country: z.string().regex(/^[A-Z]{2}$/, 'an ISO 3166 country code'),
});

const OrderLine = z.object({
  lineId: Id,
  sku: Sku,
  quantity: z.number().int().positive(),
  unitPrice: Money,
  discount: z.number().int().nonnegative(),
  tax: z.number().int().nonnegative(),
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
    totals: z.object({
      subtotal: z.number(),
      discount: z.number(),
      shipping: z.number(),
      tax: z.number(),
      grandTotal: z.number(),
    }),
    shippingAddress: Address,
    shippingMethod: z.string(),
    discountCode: z.string().optional(),
    reservations: z.array(z.object({ sku: Sku, reservationId: Id })),
  }),
});
export const PaymentAuthorized = z.object({
  type: z.literal('PaymentAuthorized'),
  data: z.object({ orderId: Id, paymentId: z.string(), amount: z.number().int().nonnegative() }),
});
export const PaymentCaptured = z.object({
  type: z.literal('PaymentCaptured'),
  data: z.object({ orderId: Id, amount: z.number().int().nonnegative() }),
});
export const OrderFulfilled = z.object({ type: z.literal('OrderFulfilled'), data: z.object({ orderId: Id }) });
export const OrderShipped = z.object({
  type: z.literal('OrderShipped'),
  data: z.object({ orderId: Id, trackingNumber: z.string().min(1).max(100) }),
});
export const OrderDelivered = z.object({ type: z.literal('OrderDelivered'), data: z.object({ orderId: Id }) });
export const OrderCanceled = z.object({
  type: z.literal('OrderCanceled'),
  data: z.object({ orderId: Id, reason: z.string().min(1).max(200) }),
});
export const OrderRefunded = z.object({
  type: z.literal('OrderRefunded'),
  data: z.object({ orderId: Id, amount: z.number().int().positive(), reason: z.string().min(1).max(200) }),
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
]);
export type OrderEvent = z.infer<typeof OrderEvent>;
export type OrderPlacedData = z.infer<typeof OrderPlaced>['data'];
export const orderEventTypes = OrderEvent.options.map((o) => o.shape.type.value);

export const orderStream = (orderId: string) => `order-${orderId}`;
