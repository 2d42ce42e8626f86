// The cost of reading events through their schema: a fold of a 5,000-event order stream
// (placed, authorized, captured, then refund steps of one cent, every other one refused)
// with each event cast as before, and with each checked by `readEvent` (v1 events, so the
// OrderPlaced upcaster runs too). CPU only, no database: the read is the same either way.
// Usage: npx tsx infra/bench/event-validation.ts [-- --rounds=30]
import { randomUUID } from 'node:crypto';
import { readEvent } from '@flowdose/domain/event-schemas';
import { type Order, type OrderCommand, orderDecider } from '@flowdose/domain/order/decider';
import type { OrderEvent } from '@flowdose/domain/order/events';
import type { RecordedEvent } from '@flowdose/shared/event-store/port';
import { testMetadata } from '@flowdose/testing/events';
import { percentile } from './support.ts';

const rounds = Number(process.argv.find((a) => a.startsWith('--rounds='))?.split('=')[1] ?? 30);
const EVENTS = 5_000;
const orderId = randomUUID();

const events: RecordedEvent[] = [];
let state: Order = orderDecider.initialState();
const run = (command: OrderCommand) => {
  for (const event of orderDecider.decide(command, state)) {
    state = orderDecider.evolve(state, event);
    const n = BigInt(events.length + 1);
    events.push({
      id: randomUUID(),
      streamId: `order-${orderId}`,
      streamPosition: n,
      position: { major: 1000n, minor: n },
      type: event.type,
      // Through JSON, as a read from the store hands it over.
      data: JSON.parse(JSON.stringify(event.data)),
      metadata: testMetadata,
      createdAt: new Date(),
    });
  }
};
const sku = 'MUG-WHITE';
run({
  type: 'PlaceOrder',
  data: {
    orderId,
    cartId: randomUUID(),
    customerId: null,
    email: 'bench@example.com',
    currency: 'EUR',
    lines: [
      { lineId: randomUUID(), sku, quantity: 1, unitPrice: { amount: 500_000, currency: 'EUR' }, discount: 0, tax: 0 },
    ],
    totals: { subtotal: 500_000, discount: 0, shipping: 0, tax: 0, grandTotal: 500_000 },
    shippingAddress: { name: 'Bench', line1: '1 Lane', city: 'Berlin', postalCode: '10115', country: 'DE' },
    shippingMethod: 'standard',
    reservations: [{ sku, reservationId: randomUUID() }],
    paymentId: 'pay_bench',
  },
});
run({ type: 'AuthorizePayment', data: { orderId, paymentId: 'pay_bench' } });
const capture = randomUUID();
run({ type: 'RequestStep', data: { orderId, actionId: capture, step: 'capture' } });
run({ type: 'CompleteStep', data: { orderId, actionId: capture } });
for (let i = 0; events.length < EVENTS; i++) {
  const actionId = randomUUID();
  run({ type: 'RequestStep', data: { orderId, actionId, step: 'refund', amount: 1, reason: 'goodwill' } });
  if (i % 2)
    run({ type: 'FailStep', data: { orderId, actionId, code: 'payment-provider-refused', detail: 'declined' } });
  else run({ type: 'CompleteStep', data: { orderId, actionId } });
}
events.length = EVENTS;

const cast = (e: RecordedEvent) => ({ type: e.type, data: e.data }) as OrderEvent;
const checked = (e: RecordedEvent) => readEvent(orderDecider.events, e);
const variants = {
  'fold, cast': () => events.reduce((s, e) => orderDecider.evolve(s, cast(e)), orderDecider.initialState()),
  'fold, checked': () => events.reduce((s, e) => orderDecider.evolve(s, checked(e)), orderDecider.initialState()),
  'check only': () => events.map(checked),
};

const results: Record<string, { p50: number; p99: number }> = {};
for (const [name, work] of Object.entries(variants)) {
  for (let i = 0; i < 5; i++) work(); // warm-up
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const start = performance.now();
    work();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  results[name] = { p50: percentile(times, 50), p99: percentile(times, 99) };
}
for (const [name, { p50, p99 }] of Object.entries(results)) {
  console.log(`${name.padEnd(14)} ${EVENTS} events: p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms`);
}
