import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  checkNewEvent,
  eventSchema,
  type RecordedEventLike,
  readEvent,
  UnreadableEventError,
  UnwritableEventError,
} from './event-schemas.ts';
import { orderPlaced, orderPlacedV1 } from './events.test-support.ts';
import { orderDecider } from './order/decider.ts';
import { placedNamesItsPayment } from './order/events.ts';

const orderId = '0190b8a0-0000-7000-8000-00000000000a';
const placedV1 = orderPlacedV1(orderId);

const recorded = (type: string, data: unknown, schemaVersion: unknown, streamPosition = 1n): RecordedEventLike => ({
  streamId: `order-${orderId}`,
  streamPosition,
  position: { major: 812n, minor: 40n + streamPosition },
  type,
  data,
  metadata: { schemaVersion },
});

const read = (event: RecordedEventLike) => readEvent(orderDecider.events, event);

describe('placedNamesItsPayment (order events v1 → v2)', () => {
  it('makes the absent payment of an old OrderPlaced explicit, and keeps one a v1 event had', () => {
    expect(placedNamesItsPayment({ type: 'OrderPlaced', data: placedV1 }).data).toMatchObject({ paymentId: null });
    const withPayment = { ...placedV1, paymentId: 'pay_1' };
    expect(placedNamesItsPayment({ type: 'OrderPlaced', data: withPayment }).data).toMatchObject({
      paymentId: 'pay_1',
    });
  });

  it('leaves other order events alone', () => {
    const captured = { type: 'PaymentCaptured', data: { orderId, amount: 5 } };
    expect(placedNamesItsPayment(captured)).toBe(captured);
  });
});

describe('readEvent', () => {
  it('reads a v1 OrderPlaced as today’s shape, and the order folds with no payment yet', () => {
    const event = read(recorded('OrderPlaced', placedV1, 1));
    expect(event).toEqual({ type: 'OrderPlaced', data: { ...placedV1, paymentId: null } });
    expect(orderDecider.evolve(orderDecider.initialState(), event)).toMatchObject({
      status: 'placed',
      paymentId: null,
    });
  });

  it('reads today’s events as they are', () => {
    const event = orderPlaced({ orderId, paymentId: 'pay_9' });
    expect(read(recorded('OrderPlaced', event.data, 2))).toEqual(event);
  });

  it('refuses a v2 OrderPlaced without its payment: only v1 may leave it out', () => {
    expect(() => read(recorded('OrderPlaced', placedV1, 2))).toThrow(/paymentId/);
  });

  it('fails loudly on a malformed event, naming stream, positions, type and the issue', () => {
    const bad = recorded('PaymentCaptured', { orderId, amount: '12.50' }, 2, 7n);
    const error = (() => {
      try {
        read(bad);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(UnreadableEventError);
    const e = error as UnreadableEventError;
    expect(e.message).toContain(`PaymentCaptured (schemaVersion 2) at order-${orderId} #7, global position 812.47`);
    expect(e.message).toContain('data.amount');
    expect(e.issues.map((i) => i.path.join('.'))).toEqual(['data.amount']);
    expect(e).toMatchObject({ streamId: `order-${orderId}`, streamPosition: 7n, position: '812.47' });
  });

  it('fails on a type the stream does not know', () => {
    expect(() => read(recorded('OrderTeleported', { orderId }, 2))).toThrow(/OrderTeleported.*#1/);
  });

  it('refuses an event written by a newer version, or with no version at all', () => {
    expect(() => read(recorded('PaymentCaptured', { orderId, amount: 5 }, 3))).toThrow(/newer version/);
    expect(() => read(recorded('PaymentCaptured', { orderId, amount: 5 }, undefined))).toThrow(/no schemaVersion/);
  });

  it('runs the upcasters in order from the version written', () => {
    const Renamed = z.object({ type: z.literal('Renamed'), data: z.object({ total: z.number() }) });
    const schema = eventSchema(Renamed, {
      version: 3,
      upcasters: {
        1: (e) => ({ type: 'Renamed', data: { sum: (e.data as { amount: number }).amount } }),
        2: (e) => ({ type: e.type, data: { total: (e.data as { sum: number }).sum } }),
      },
    });
    const at = (data: unknown, v: number) => ({ ...recorded('Old', data, v), type: v === 1 ? 'Old' : 'Renamed' });
    expect(readEvent(schema, at({ amount: 4 }, 1))).toEqual({ type: 'Renamed', data: { total: 4 } });
    expect(readEvent(schema, at({ sum: 5 }, 2))).toEqual({ type: 'Renamed', data: { total: 5 } });
    expect(readEvent(schema, at({ total: 6 }, 3))).toEqual({ type: 'Renamed', data: { total: 6 } });
  });
});

describe('checkNewEvent', () => {
  const stream = `order-${orderId}`;
  const check = (type: string, data: unknown, schemaVersion: unknown) =>
    checkNewEvent(orderDecider.events, stream, { type, data, metadata: { schemaVersion } });

  it('lets through what readEvent would read: today’s shape, or an older one its upcasters lift', () => {
    expect(() => check('OrderPlaced', orderPlaced({ orderId, paymentId: 'pay_9' }).data, 2)).not.toThrow();
    expect(() => check('OrderPlaced', placedV1, 1)).not.toThrow();
  });

  it('refuses what readEvent would refuse, naming the stream, the type and the zod issues', () => {
    const error = (() => {
      try {
        check('PaymentCaptured', { orderId, amount: '12.50' }, 2);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(UnwritableEventError);
    const e = error as UnwritableEventError;
    expect(e.message).toContain(`PaymentCaptured (schemaVersion 2) refused for ${stream}`);
    expect(e.message).toContain('data.amount');
    expect(e.issues.map((i) => i.path.join('.'))).toEqual(['data.amount']);
    expect(() => check('OrderPlaced', placedV1, 2)).toThrow(/paymentId/);
    expect(() => check('OrderTeleported', { orderId }, 2)).toThrow(UnwritableEventError);
  });

  it('refuses an event stamped with no version, or one newer than this code writes', () => {
    expect(() => check('PaymentCaptured', { orderId, amount: 5 }, undefined)).toThrow(/no schemaVersion/);
    expect(() => check('PaymentCaptured', { orderId, amount: 5 }, 3)).toThrow(/newer version/);
  });
});
