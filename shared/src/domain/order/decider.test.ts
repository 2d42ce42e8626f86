import { describe, expect, it } from 'vitest';
import { DomainError, NotFoundError } from '../../errors.ts';
import { deciderSpec } from '../../testing/decider-spec.ts';
import { fold } from '../decider.ts';
import { allowedActions, type OrderCommand, orderDecider } from './decider.ts';
import type { OrderEvent } from './events.ts';

const given = deciderSpec(orderDecider);
const orderId = '0190b8a0-0000-7000-8000-00000000000a';
const placed: OrderEvent = {
  type: 'OrderPlaced',
  data: {
    orderId,
    cartId: '0190b8a0-0000-7000-8000-00000000000b',
    customerId: null,
    email: 'ada@example.com',
    currency: 'EUR',
    lines: [
      {
        lineId: '0190b8a0-0000-7000-8000-00000000000c',
        sku: 'MUG-WHITE',
        quantity: 2,
        unitPrice: { amount: 1250, currency: 'EUR' },
        discount: 0,
        tax: 525,
      },
    ],
    totals: { subtotal: 2500, discount: 0, shipping: 495, tax: 629, grandTotal: 3624 },
    shippingAddress: { name: 'Ada', line1: '1 Lane', city: 'Paris', postalCode: '75001', country: 'FR' },
    shippingMethod: 'standard',
    reservations: [{ sku: 'MUG-WHITE', reservationId: '0190b8a0-0000-7000-8000-00000000000d' }],
  },
};
const authorized: OrderEvent = { type: 'PaymentAuthorized', data: { orderId, paymentId: 'pay_1', amount: 3624 } };
const captured: OrderEvent = { type: 'PaymentCaptured', data: { orderId, amount: 3624 } };
const fulfilled: OrderEvent = { type: 'OrderFulfilled', data: { orderId } };
const shipped: OrderEvent = { type: 'OrderShipped', data: { orderId, trackingNumber: 'TRK1' } };
const delivered: OrderEvent = { type: 'OrderDelivered', data: { orderId } };
const canceled: OrderEvent = { type: 'OrderCanceled', data: { orderId, reason: 'asked' } };

const commands: Record<string, OrderCommand> = {
  authorize: { type: 'AuthorizePayment', data: { orderId, paymentId: 'pay_1' } },
  capture: { type: 'CapturePayment', data: { orderId } },
  fulfil: { type: 'FulfilOrder', data: { orderId } },
  ship: { type: 'ShipOrder', data: { orderId, trackingNumber: 'TRK1' } },
  deliver: { type: 'DeliverOrder', data: { orderId } },
  cancel: { type: 'CancelOrder', data: { orderId, reason: 'asked' } },
  refund: { type: 'RefundOrder', data: { orderId, amount: 100, reason: 'damaged' } },
};

describe('order decider', () => {
  it('walks the happy path: placed, authorized, captured, fulfilled, shipped, delivered', () => {
    given([placed]).when(commands.authorize!).thenEmits([authorized]);
    given([placed, authorized]).when(commands.capture!).thenEmits([captured]);
    given([placed, authorized, captured]).when(commands.fulfil!).thenEmits([fulfilled]);
    given([placed, authorized, captured, fulfilled]).when(commands.ship!).thenEmits([shipped]);
    given([placed, authorized, captured, fulfilled, shipped]).when(commands.deliver!).thenEmits([delivered]);
  });

  it('refuses every illegal transition, naming what is allowed', () => {
    const histories: [string, OrderEvent[]][] = [
      ['placed', [placed]],
      ['authorized', [placed, authorized]],
      ['captured', [placed, authorized, captured]],
      ['fulfilled', [placed, authorized, captured, fulfilled]],
      ['shipped', [placed, authorized, captured, fulfilled, shipped]],
      ['delivered', [placed, authorized, captured, fulfilled, shipped, delivered]],
      ['canceled', [placed, canceled]],
    ];
    let refused = 0;
    for (const [status, history] of histories) {
      const allowed = allowedActions(fold(orderDecider, history));
      for (const [action, command] of Object.entries(commands)) {
        if (allowed.includes(action as never)) continue;
        given(history).when(command).thenThrows(DomainError, 'illegal-transition');
        try {
          orderDecider.decide(command, fold(orderDecider, history));
        } catch (error) {
          expect((error as Error).message).toContain(status);
        }
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(30);
  });

  it('cancels before fulfilment, refunding whatever was captured', () => {
    given([placed]).when(commands.cancel!).thenEmits([canceled]);
    given([placed, authorized, captured])
      .when(commands.cancel!)
      .thenEmits([{ type: 'OrderRefunded', data: { orderId, amount: 3624, reason: 'asked' } }, canceled]);
  });

  it('refunds in parts, never more than was captured', () => {
    const part: OrderEvent = { type: 'OrderRefunded', data: { orderId, amount: 3000, reason: 'damaged' } };
    given([placed, authorized, captured])
      .when({ type: 'RefundOrder', data: { orderId, amount: 3000, reason: 'damaged' } })
      .thenEmits([part]);
    given([placed, authorized, captured, part])
      .when({ type: 'RefundOrder', data: { orderId, amount: 625, reason: 'again' } })
      .thenThrows(DomainError, 'refund-too-large');
    const rest: OrderEvent = { type: 'OrderRefunded', data: { orderId, amount: 624, reason: 'rest' } };
    expect(allowedActions(fold(orderDecider, [placed, authorized, captured, fulfilled, part, rest]))).toEqual(['ship']);
    given([placed, authorized]).when(commands.refund!).thenThrows(DomainError, 'illegal-transition');
  });

  it('places an order once; an unknown order is not found', () => {
    given([placed])
      .when({ type: 'PlaceOrder', data: placed.data as never })
      .thenThrows(DomainError, 'order-exists');
    given([]).when(commands.capture!).thenThrows(NotFoundError);
  });
});
