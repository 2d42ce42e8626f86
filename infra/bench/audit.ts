// The order audit on a long order: a 5,000-event order stream (a placed, captured order,
// then 2,498 refund steps of one cent, every other one refused by the provider), and the
// time to answer GET /admin/orders/:id/state?at=<v> (a fold of v events by today's decider
// plus the diff of the last one) for random versions, over real HTTP against the query API's
// middleware and the audit routes on a fresh PostgreSQL database. Aim: p99 under 50 ms.
// Usage: npm run bench:audit [-- --requests=200]
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import { type Order, type OrderCommand, orderDecider } from '@flowdose/domain/order/decider';
import { type OrderEvent, orderStream } from '@flowdose/domain/order/events';
import { auditRoutes } from '@flowdose/query-api/routes/audit';
import { createSessions } from '@flowdose/shared/auth/sessions';
import { signAccessToken } from '@flowdose/shared/auth/tokens';
import { testConfig } from '@flowdose/shared/config';
import { createPool } from '@flowdose/shared/db';
import type { EventMetadata, NewEvent } from '@flowdose/shared/event-store/port';
import { createPostgresEventStore } from '@flowdose/shared/event-store/postgres/store';
import { authenticate } from '@flowdose/shared/http/auth';
import { attachContext } from '@flowdose/shared/http/context';
import { notFoundRoute, problemHandler } from '@flowdose/shared/http/problem';
import { requestLog } from '@flowdose/shared/http/request-log';
import { createLogger } from '@flowdose/shared/logger';
import express from 'express';
import pg from 'pg';
import { migrateAll } from '../src/migrate.ts';
import { machine, percentile, writeResults } from './support.ts';

const requests = Number(process.argv.find((a) => a.startsWith('--requests='))?.split('=')[1] ?? 200);
const EVENTS = 5_000;
const DB = 'flowdose_bench_audit';
const url = `postgres://postgres@127.0.0.1:5432/${DB}`;

const admin = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
await admin.connect();
await admin.query(`drop database if exists ${DB} with (force)`);
await admin.end();
await migrateAll(url, () => {});

const config = testConfig({ DATABASE_URL: url });
const pool = createPool(url, { max: 10 });
const store = createPostgresEventStore({ pool, connectionString: url });

/** The order's events as the decider decides them, each with the metadata of the request that asked. */
function orderHistory(orderId: string): NewEvent[] {
  let state: Order = orderDecider.initialState();
  const events: NewEvent[] = [];
  const staff = [randomUUID(), randomUUID(), randomUUID()];
  const run = (command: OrderCommand, request: string, actor: EventMetadata['actor']) => {
    for (const event of orderDecider.decide(command, state)) {
      state = orderDecider.evolve(state, event as OrderEvent);
      const metadata = { correlationId: request, causationId: request, actor, idempotencyKey: null, schemaVersion: 1 };
      events.push({ id: randomUUID(), type: event.type, data: event.data, metadata });
    }
  };
  const customer = { userId: randomUUID(), role: 'customer' };
  const placed = {
    orderId,
    cartId: randomUUID(),
    customerId: customer.userId,
    email: 'bench@example.com',
    currency: 'EUR' as const,
    lines: [
      {
        lineId: randomUUID(),
        sku: 'MUG-WHITE',
        quantity: 1,
        unitPrice: { amount: 500_000, currency: 'EUR' as const },
        discount: 0,
        tax: 0,
      },
    ],
    totals: { subtotal: 500_000, discount: 0, shipping: 0, tax: 0, grandTotal: 500_000 },
    shippingAddress: { name: 'Bench', line1: '1 Lane', city: 'Berlin', postalCode: '10115', country: 'DE' },
    shippingMethod: 'standard',
    reservations: [{ sku: 'MUG-WHITE', reservationId: randomUUID() }],
    paymentId: 'pay_bench',
  };
  run({ type: 'PlaceOrder', data: placed }, 'checkout', customer);
  run({ type: 'AuthorizePayment', data: { orderId, paymentId: 'pay_bench' } }, 'checkout', customer);
  const capture = randomUUID();
  const ops = { userId: staff[0]!, role: 'ops' };
  run({ type: 'RequestStep', data: { orderId, actionId: capture, step: 'capture' } }, 'capture', ops);
  run({ type: 'CompleteStep', data: { orderId, actionId: capture } }, 'capture', ops);
  for (let i = 0; events.length < EVENTS; i++) {
    const actionId = randomUUID();
    const by = { userId: staff[i % staff.length]!, role: 'admin' };
    const request = `refund-${i}`;
    run(
      { type: 'RequestStep', data: { orderId, actionId, step: 'refund', amount: 1, reason: 'goodwill' } },
      request,
      by,
    );
    const outcome: OrderCommand =
      i % 2 === 0
        ? { type: 'CompleteStep', data: { orderId, actionId } }
        : { type: 'FailStep', data: { orderId, actionId, code: 'payment-provider-refused', detail: 'bench' } };
    run(outcome, request, by);
  }
  return events;
}

const orderId = randomUUID();
const history = orderHistory(orderId);
for (let at = 0; at < history.length; at += 500) {
  await store.append(orderStream(orderId), history.slice(at, at + 500), BigInt(at));
}
console.log(`appended ${history.length} events to ${orderStream(orderId)}`);

// The query API's middleware, in buildApp's order, with the audit routes where it mounts
// routes. A new one starts with no folded states kept, as a restarted query API does.
const logger = createLogger('bench', 'warn');
async function serveAudit() {
  const app = express();
  app.use(requestLog(logger));
  app.use(attachContext);
  app.use(authenticate(config.AUTH_JWT_SECRET, createSessions(pool, config)));
  app.use(auditRoutes({ pool, store, waitForPosition: async () => {} }));
  app.use(notFoundRoute);
  app.use(problemHandler(logger));
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
const token = await signAccessToken(
  config.AUTH_JWT_SECRET,
  { userId: randomUUID(), role: 'admin', sessionId: randomUUID() },
  600,
);
const headers = { Authorization: `Bearer ${token}` };

async function timeGet(base: string, path: string): Promise<{ ms: number; bytes: number }> {
  const t0 = performance.now();
  const res = await fetch(base + path, { headers });
  const body = await res.arrayBuffer();
  const ms = performance.now() - t0;
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${Buffer.from(body).toString()}`);
  return { ms, bytes: body.byteLength };
}

const stats = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return {
    p50: +percentile(sorted, 50).toFixed(1),
    p99: +percentile(sorted, 99).toFixed(1),
    max: +sorted[sorted.length - 1]!.toFixed(1),
  };
};

async function measure(label: string, n: number, request: () => Promise<{ ms: number; bytes: number }>) {
  const samples: number[] = [];
  let bytes = 0;
  for (let i = 0; i < n; i++) {
    const r = await request();
    samples.push(r.ms);
    bytes = Math.max(bytes, r.bytes);
  }
  const s = stats(samples);
  console.log(`${label.padEnd(64)} p50 ${s.p50} ms  p99 ${s.p99} ms  max ${s.max} ms`);
  return { label, requests: n, ...s, largestAnswerKiB: Math.round(bytes / 1024) };
}

const random = (n: number) => 1 + Math.floor(Math.random() * n);
const statePath = (v: number) => `/admin/orders/${orderId}/state?at=${v}`;
// Warms the JIT on another API instance, whose kept states the measured ones do not share.
const warm = await serveAudit();
for (let i = 0; i < 30; i++) await timeGet(warm.base, statePath(random(EVENTS)));
await warm.close();

const api = await serveAudit();
try {
  // A fresh API keeps nothing: its first request for the latest version folds the whole
  // stream (and keeps a state at every 128th version on the way). Five such first requests.
  const cold = await measure(`state?at=${EVENTS} on a fresh API (one whole fold)`, 5, async () => {
    const fresh = await serveAudit();
    try {
      return await timeGet(fresh.base, statePath(EVENTS));
    } finally {
      await fresh.close();
    }
  });
  await timeGet(api.base, statePath(EVENTS));
  const results = [
    await measure(`state?at=<random 1..${EVENTS}>`, requests, () => timeGet(api.base, statePath(random(EVENTS)))),
    await measure(`state?at=${EVENTS} (the latest)`, Math.max(20, requests / 4), () =>
      timeGet(api.base, statePath(EVENTS)),
    ),
    cold,
    await measure('events?limit=100 (first page, with related events)', 50, () =>
      timeGet(api.base, `/admin/orders/${orderId}/events?limit=100`),
    ),
  ];
  const table = [
    '| request | requests | p50 / p99 / max ms | largest answer KiB |',
    '|---|---|---|---|',
    ...results.map((r) => `| ${r.label} | ${r.requests} | ${r.p50} / ${r.p99} / ${r.max} | ${r.largestAnswerKiB} |`),
  ].join('\n');
  console.log(`\n${table}`);
  const m = machine();
  writeResults(
    'audit',
    { ...m, loadAverage: loadavg()[0], events: EVENTS, results },
    `# Order audit: state at a version of a ${EVENTS}-event order (${m.date}, commit ${m.commit}, ${m.cores} cores, Node ${m.node})\n\nOne order stream of ${EVENTS} events (placed, authorized, captured, then ${(EVENTS - 4) / 2} one-cent refund steps, every other one refused), appended through the PostgreSQL event store. Each request is timed from send to the last byte over HTTP on loopback, one at a time, against the query API's middleware (request log, authentication with a session check) and the audit routes, served in the benchmark's process on a fresh database. \`state?at=v\` reads the order's events from the store and folds them with today's order decider up to v from the nearest state kept at every 128th version, then diffs the last one. The first two rows ask an API that has answered once for the latest version (so it keeps this order's states); the fresh-API row is the first request after a start, which reads and folds the whole stream. Aim: p99 under 50 ms. Load average during the run: ${loadavg()[0]!.toFixed(2)} (other work on the machine shows in the p99s).\n\n${table}`,
  );
} finally {
  await api.close();
  await store.close();
  await pool.end();
}
