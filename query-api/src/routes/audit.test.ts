import { randomUUID } from 'node:crypto';
import { orderDecider } from '@flowdose/domain/order/decider';
import { type OrderEvent, orderStream } from '@flowdose/domain/order/events';
import { createSessions } from '@flowdose/shared/auth/sessions';
import { type Role, signAccessToken } from '@flowdose/shared/auth/tokens';
import { testConfig } from '@flowdose/shared/config';
import type { EventStore } from '@flowdose/shared/event-store/port';
import { createPostgresEventStore } from '@flowdose/shared/event-store/postgres/store';
import { authenticate } from '@flowdose/shared/http/auth';
import { attachContext } from '@flowdose/shared/http/context';
import { notFoundRoute, problemHandler } from '@flowdose/shared/http/problem';
import { requestLog } from '@flowdose/shared/http/request-log';
import { refuseNulInUrl } from '@flowdose/shared/http/url-guard';
import { createLogger } from '@flowdose/shared/logger';
import { createNotifications } from '@flowdose/shared/notifications';
import { liveSchema } from '@flowdose/shared/read-models';
import { publishTestCatalog } from '@flowdose/testing/catalog';
import { checkoutDetails } from '@flowdose/testing/checkout';
import { serve, type TestResponse, type TestServer } from '@flowdose/testing/http';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderHistory, toJson } from '../audit/history.ts';
import type { AuditItem } from '../audit/items.ts';
import { startStack } from '../harness.test-support.ts';
import { createPositionWaiter } from '../min-position.ts';
import { auditRoutes } from './audit.ts';

type Stack = Awaited<ReturnType<typeof startStack>>;
type Page = { items: AuditItem[]; nextCursor: string | null };
type State = {
  version: string;
  latestVersion: string;
  event: AuditItem;
  state: { status: string; captured: number; refunded: number; grandTotal: number };
  changes: { field: string; kind: string; before?: unknown; after?: unknown }[];
};
type Problem = { type: string; status: number };

let stack: Stack;
// The query API's middleware in buildApp's order, with the audit routes mounted where
// buildApp mounts its routers: after authentication, before the not-found route.
let audit: TestServer;
let closeAudit: () => Promise<void>;
let events: EventStore;

beforeAll(async () => {
  stack = await startStack(testConfig({ MIN_POSITION_TIMEOUT_MS: '3000', COMMANDS_PER_MINUTE: '100000' }));
  const { config, db } = stack;
  const logger = createLogger('test', 'silent');
  events = createPostgresEventStore({ pool: db.pool, connectionString: db.url });
  const notifications = createNotifications(db.url, () => {});
  const app = express();
  app.use(requestLog(logger));
  app.use(attachContext);
  app.use(refuseNulInUrl);
  app.use(authenticate(config.AUTH_JWT_SECRET, createSessions(db.pool, config)));
  app.use(
    auditRoutes({
      pool: db.pool,
      store: events,
      waitForPosition: createPositionWaiter(db.pool, notifications, config.MIN_POSITION_TIMEOUT_MS),
    }),
  );
  app.use(notFoundRoute);
  app.use(problemHandler(logger));
  audit = await serve(app);
  closeAudit = async () => {
    await audit.close();
    await notifications.close();
    await events.close();
  };
});
afterAll(async () => {
  await closeAudit();
  await stack.close();
});

// A staff account (the audit shows its email) with a token signed here: nobody logs in with the hash.
const staff = async (role: Role) => {
  const userId = randomUUID();
  const email = `${role}-${userId.slice(0, 8)}@shop.test`;
  await stack.db.pool.query(
    `insert into staff_users (user_id, email, password_hash, role) values ($1, $2, 'not-a-hash', $3)`,
    [userId, email, role],
  );
  const token = await signAccessToken(stack.config.AUTH_JWT_SECRET, { userId, role, sessionId: randomUUID() }, 600);
  return { userId, role, email, headers: { Authorization: `Bearer ${token}` } };
};
const get = <T>(path: string, headers: Record<string, string>) => audit.request<T>('GET', path, { headers });

async function command<T = { position: string }>(path: string, body: object, headers: Record<string, string>) {
  const res = await stack.commands.request<T>('POST', path, { body, headers });
  expect(res.status, `${path}: ${res.text}`).toBeLessThan(300);
  return res.body;
}

async function checkOut(
  headers: Record<string, string>,
  lines: [string, number][],
  discountCode: string,
  extra: Record<string, string> = {},
) {
  const cart = await command<{ cartId: string; cartToken: string }>('/carts', { currency: 'EUR' }, headers);
  const access = { ...headers, 'X-Cart-Token': cart.cartToken };
  for (const [sku, quantity] of lines) await command(`/carts/${cart.cartId}/items`, { sku, quantity }, access);
  const placed = await command<{ orderId: string; position: string }>(
    `/carts/${cart.cartId}/checkout`,
    checkoutDetails({ discountCode }),
    { ...access, ...extra },
  );
  return { ...placed, cartId: cart.cartId };
}

/** Every page of a list, following nextCursor. */
async function allPages(path: string, headers: Record<string, string>, limit: number) {
  const items: AuditItem[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 100; pages++) {
    const sep = path.includes('?') ? '&' : '?';
    const res: TestResponse<Page> = await get<Page>(
      `${path}${sep}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`,
      headers,
    );
    expect(res.status, res.text).toBe(200);
    expect(res.body.items.length).toBeLessThanOrEqual(limit);
    items.push(...res.body.items);
    cursor = res.body.nextCursor;
    if (!cursor) return items;
  }
  throw new Error('too many pages');
}

const positionOf = (item: AuditItem) => item.position.split('.').map(BigInt) as [bigint, bigint];
const inLogOrder = (items: AuditItem[]) =>
  items.every((item, i) => {
    if (i === 0) return true;
    const [a, b] = [positionOf(items[i - 1]!), positionOf(item)];
    return a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);
  });

/**
 * One order taken through checkout by a customer, then captured by one ops person, partly
 * refunded by an admin, fulfilled and shipped by a second ops person. After each request the
 * read model's view of the order is kept with the order's version then: the audit must
 * answer each of those states at that version.
 */
describe('the audit of one order', () => {
  const order = { orderId: '', cartId: '', correlationId: '', customerId: '', email: '', grandTotal: 0 };
  const other = { orderId: '', cartId: '' };
  let opsA: Awaited<ReturnType<typeof staff>>;
  let opsB: Awaited<ReturnType<typeof staff>>;
  let admin: Awaited<ReturnType<typeof staff>>;
  let analyst: Awaited<ReturnType<typeof staff>>;
  const then: { version: number; status: string; captured: number; refunded: number }[] = [];

  const versionNow = async () => {
    const [last] = await events.readStream(orderStream(order.orderId), { direction: 'backward', limit: 1 });
    return Number(last!.streamPosition);
  };
  const remember = async (position: string, customer: Record<string, string>) => {
    const res = await stack.queries.request<{ status: string; captured: number; refunded: number }>(
      'GET',
      `/orders/${order.orderId}`,
      { headers: { ...customer, 'X-Min-Position': position } },
    );
    expect(res.status, res.text).toBe(200);
    const { status, captured, refunded } = res.body;
    then.push({ version: await versionNow(), status, captured, refunded });
  };

  beforeAll(async () => {
    [opsA, opsB, admin, analyst] = await Promise.all([staff('ops'), staff('ops'), staff('admin'), staff('analyst')]);
    const setup = await staff('admin');
    await publishTestCatalog(stack.commands, stack.config.AUTH_JWT_SECRET);
    for (const sku of ['MUG-WHITE', 'CAP-BLACK'])
      await command(`/admin/inventory/${sku}/restock`, { quantity: 20, reason: 'audit test' }, setup.headers);
    await command('/admin/discounts', { code: 'AUDIT10', value: { kind: 'percent', percent: 10 } }, setup.headers);

    const email = `audit-${Date.now()}@example.com`;
    const registered = await command<{ customerId: string; accessToken: string }>(
      '/auth/register',
      { email, password: 'correct horse battery' },
      {},
    );
    Object.assign(order, { customerId: registered.customerId, email });
    const customer = { Authorization: `Bearer ${registered.accessToken}` };
    const placed = await checkOut(
      customer,
      [
        ['MUG-WHITE', 2],
        ['CAP-BLACK', 1],
      ],
      'audit10',
    );
    Object.assign(order, { orderId: placed.orderId, cartId: placed.cartId });
    await remember(placed.position, customer);
    const [first] = await events.readStream(orderStream(order.orderId), { limit: 1 });
    order.correlationId = first!.metadata.correlationId;
    order.grandTotal = (first!.data as { totals: { grandTotal: number } }).totals.grandTotal;

    // A guest's order on the same SKUs and code, whose checkout carries the first one's
    // correlation id (a client may send any X-Correlation-Id): it shares the request id of
    // the first order's events but belongs to another order.
    const guest = await checkOut({}, [['MUG-WHITE', 1]], 'AUDIT10', { 'X-Correlation-Id': order.correlationId });
    Object.assign(other, { orderId: guest.orderId, cartId: guest.cartId });

    const step = async (action: string, body: object, who: { headers: Record<string, string> }, key?: string) => {
      const headers = { ...who.headers, ...(key ? { 'Idempotency-Key': key } : {}) };
      const { position } = await command(`/admin/orders/${order.orderId}/${action}`, body, headers);
      await remember(position, customer);
    };
    await step('capture', {}, opsA);
    await step('refund', { amount: 500, reason: 'box arrived dented' }, admin);
    await step('fulfil', {}, opsB);
    await step('ship', { trackingNumber: 'AUDIT-TRACK-1' }, opsB, 'ship-audit-1');
  });

  it('lists the order’s events with who asked, in which request, and its related events of other streams', async () => {
    const items = await allPages(`/admin/orders/${order.orderId}/events`, analyst.headers, 500);
    expect(inLogOrder(items)).toBe(true);

    const own = items.filter((i) => !i.related);
    expect(own.map((i) => [i.version, i.type])).toEqual([
      ['1', 'OrderPlaced'],
      ['2', 'PaymentAuthorized'],
      ['3', 'OrderStepRequested'],
      ['4', 'PaymentCaptured'],
      ['5', 'OrderStepRequested'],
      ['6', 'OrderRefunded'],
      ['7', 'OrderStepRequested'],
      ['8', 'OrderFulfilled'],
      ['9', 'OrderShipped'],
    ]);
    expect(own.every((i) => i.streamId === `order-${order.orderId}`)).toBe(true);
    const customer = { kind: 'customer', id: order.customerId, role: 'customer', email: order.email };
    const asStaff = (who: typeof opsA) => ({ kind: 'staff', id: who.userId, role: who.role, email: who.email });
    expect(own.map((i) => i.actor)).toEqual([
      customer,
      customer,
      asStaff(opsA),
      asStaff(opsA),
      asStaff(admin),
      asStaff(admin),
      asStaff(opsB),
      asStaff(opsB),
      asStaff(opsB),
    ]);
    // Each staff request is one correlation; a step's intent and outcome share it.
    const correlations = own.map((i) => i.correlationId);
    expect(correlations[0]).toBe(order.correlationId);
    expect(new Set(correlations).size).toBe(5);
    for (const [a, b] of [
      [0, 1],
      [2, 3],
      [4, 5],
      [6, 7],
    ] as const)
      expect(correlations[a]).toBe(correlations[b]);
    expect(own.every((i) => typeof i.causationId === 'string' && i.recordedAt.endsWith('Z'))).toBe(true);
    expect(own[0]!.idempotencyKey).toBe(`checkout:${order.orderId}:place`);
    expect(own[8]!.idempotencyKey).toBe('ship-audit-1');
    expect(own[5]!.data).toMatchObject({ orderId: order.orderId, amount: 500, reason: 'box arrived dented' });

    const related = items.filter((i) => i.related).map((i) => `${i.streamId} ${i.type}`);
    const checkout = `checkout-${order.orderId}`;
    expect(related.sort()).toEqual(
      [
        `${checkout} CheckoutStarted`,
        `${checkout} CheckoutStockHeld`,
        `${checkout} CheckoutDiscountRedeemed`,
        `${checkout} CheckoutPaymentRequested`,
        `${checkout} CheckoutPaymentAuthorized`,
        `${checkout} CheckoutOrderPlaced`,
        `${checkout} CheckoutCompleted`,
        'inventory-MUG-WHITE StockReserved',
        'inventory-CAP-BLACK StockReserved',
        'inventory-MUG-WHITE ReservationCommitted',
        'inventory-CAP-BLACK ReservationCommitted',
        'discount-AUDIT10 DiscountRedeemed',
        `cart-${order.cartId} CartCheckedOut`,
      ].sort(),
    );
    // The guest's order shares a correlation id and the SKU and code streams, not the order.
    const mentions = JSON.stringify(items);
    expect(mentions).not.toContain(other.orderId);
    expect(mentions).not.toContain(other.cartId);
    // The stock commits came with the fulfilment, as ops person B.
    const commits = items.filter((i) => i.type === 'ReservationCommitted');
    expect(commits.map((i) => i.actor)).toEqual([asStaff(opsB), asStaff(opsB)]);
    expect(commits.every((i) => i.correlationId === correlations[6])).toBe(true);

    // Small pages give the same list.
    expect((await allPages(`/admin/orders/${order.orderId}/events`, opsA.headers, 4)).map((i) => i.eventId)).toEqual(
      items.map((i) => i.eventId),
    );
    const guest = await get<Page>(`/admin/orders/${other.orderId}/events`, admin.headers);
    expect(guest.body.items[0]!.actor).toEqual({ kind: 'guest', id: null, role: 'guest', email: null });
  });

  it('answers the order as it was after each event, and what that event changed', async () => {
    const g = order.grandTotal;
    const expected: [string, string, number, number][] = [
      ['OrderPlaced', 'placed', 0, 0],
      ['PaymentAuthorized', 'authorized', 0, 0],
      ['OrderStepRequested', 'authorized', 0, 0],
      ['PaymentCaptured', 'captured', g, 0],
      ['OrderStepRequested', 'captured', g, 0],
      ['OrderRefunded', 'captured', g, 500],
      ['OrderStepRequested', 'captured', g, 500],
      ['OrderFulfilled', 'fulfilled', g, 500],
      ['OrderShipped', 'shipped', g, 500],
    ];
    const states: State[] = [];
    for (let v = 1; v <= expected.length; v++) {
      const res = await get<State>(`/admin/orders/${order.orderId}/state?at=${v}`, analyst.headers);
      expect(res.status, res.text).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect([res.body.version, res.body.latestVersion]).toEqual([String(v), '9']);
      const { status, captured, refunded } = res.body.state;
      expect([res.body.event.type, status, captured, refunded]).toEqual(expected[v - 1]);
      states.push(res.body);
    }
    // The states the order had then, as the read model answered after each request.
    expect(then.map((t) => t.version)).toEqual([2, 4, 6, 8, 9]);
    for (const t of then) {
      const { status, captured, refunded } = states[t.version - 1]!.state;
      expect({ version: t.version, status, captured, refunded }).toEqual(t);
    }

    const change = (v: number, field: string) => states[v - 1]!.changes.find((c) => c.field === field);
    expect(change(1, 'status')).toEqual({ field: 'status', kind: 'changed', before: 'none', after: 'placed' });
    expect(change(1, 'grandTotal')).toEqual({ field: 'grandTotal', kind: 'added', after: g });
    expect(change(3, 'pending')).toMatchObject({
      kind: 'changed',
      before: null,
      after: { step: 'capture', amount: g },
    });
    expect(states[3]!.changes).toEqual(
      expect.arrayContaining([
        { field: 'status', kind: 'changed', before: 'authorized', after: 'captured' },
        { field: 'captured', kind: 'changed', before: 0, after: g },
      ]),
    );
    expect(change(4, 'pending')).toMatchObject({ before: { step: 'capture' }, after: null });
    expect(states[5]!.changes).toEqual([
      { field: 'refunded', kind: 'changed', before: 0, after: 500 },
      {
        field: 'pending',
        kind: 'changed',
        before: expect.objectContaining({ step: 'refund', amount: 500 }),
        after: null,
      },
    ]);
    expect(states[8]!.changes).toEqual([{ field: 'status', kind: 'changed', before: 'fulfilled', after: 'shipped' }]);

    const latest = await get<State>(`/admin/orders/${order.orderId}/state`, opsA.headers);
    expect([latest.body.version, latest.body.state.status]).toEqual(['9', 'shipped']);
    expect(latest.body.state).toEqual(states[8]!.state);
  });

  it('lists every event the checkout request caused: the hold, the discount use, the payment, the cart’s close', async () => {
    const items = await allPages(`/admin/correlations/${order.correlationId}`, analyst.headers, 3);
    expect(inLogOrder(items)).toBe(true);
    const mine = items
      .filter((i) => JSON.stringify(i.data).includes(order.orderId) || i.streamId.endsWith(order.orderId))
      .map((i) => `${i.streamId} ${i.type}`);
    expect(mine).toEqual(
      expect.arrayContaining([
        'inventory-MUG-WHITE StockReserved',
        'inventory-CAP-BLACK StockReserved',
        'discount-AUDIT10 DiscountRedeemed',
        `checkout-${order.orderId} CheckoutPaymentRequested`,
        `checkout-${order.orderId} CheckoutPaymentAuthorized`,
        `order-${order.orderId} OrderPlaced`,
        `order-${order.orderId} PaymentAuthorized`,
        `cart-${order.cartId} CartCheckedOut`,
      ]),
    );
    // Nothing the staff steps did: they were requests of their own.
    expect(items.some((i) => i.type === 'PaymentCaptured' || i.type === 'ReservationCommitted')).toBe(false);
    // The guest's checkout sent the same X-Correlation-Id: its events are listed too, as they were recorded.
    expect(items.some((i) => i.streamId === `order-${other.orderId}`)).toBe(true);
    expect(items.every((i) => i.correlationId === order.correlationId)).toBe(true);
  });

  it('lists any stream for ops, page by page in version order', async () => {
    const items = await allPages(`/admin/streams/checkout-${order.orderId}/events`, opsB.headers, 2);
    expect(items.map((i) => i.version)).toEqual(['1', '2', '3', '4', '5', '6', '7']);
    expect(items[0]).toMatchObject({
      type: 'CheckoutStarted',
      streamId: `checkout-${order.orderId}`,
      actor: { kind: 'customer', id: order.customerId, role: 'customer', email: order.email },
      correlationId: order.correlationId,
    });
    expect(items[0]).not.toHaveProperty('related');
  });

  it('answers 401 without a token, 403 to a role that may not, 404 for what does not exist', async () => {
    const customer = await command<{ accessToken: string }>(
      '/auth/register',
      { email: `nosy-${Date.now()}@example.com`, password: 'correct horse battery' },
      {},
    );
    const asCustomer = { Authorization: `Bearer ${customer.accessToken}` };
    const id = order.orderId;
    const routes = [
      { path: `/admin/orders/${id}/events`, analyst: 200 },
      { path: `/admin/orders/${id}/state?at=2`, analyst: 200 },
      { path: `/admin/orders/${id}/replay`, analyst: 200 },
      { path: `/admin/correlations/${order.correlationId}`, analyst: 200 },
      { path: `/admin/streams/order-${id}/events`, analyst: 403 },
    ];
    for (const route of routes) {
      const answers = {
        none: (await get<Problem>(route.path, {})).status,
        customer: (await get<Problem>(route.path, asCustomer)).status,
        analyst: (await get<Problem>(route.path, analyst.headers)).status,
        ops: (await get<Problem>(route.path, opsA.headers)).status,
        admin: (await get<Problem>(route.path, admin.headers)).status,
      };
      expect(answers, route.path).toEqual({ none: 401, customer: 403, analyst: route.analyst, ops: 200, admin: 200 });
    }
    const unknown = randomUUID();
    for (const path of [
      `/admin/orders/${unknown}/events`,
      `/admin/orders/${unknown}/state`,
      `/admin/orders/${unknown}/replay`,
      '/admin/orders/not-an-order/events',
      '/admin/orders/not-an-order/state',
      '/admin/orders/not-an-order/replay',
      '/admin/correlations/nobody-asked-this',
      '/admin/correlations/has%20a%20space',
      `/admin/streams/order-${unknown}/events`,
      `/admin/orders/${id}/state?at=10`,
    ]) {
      const res = await get<Problem>(path, admin.headers);
      expect([res.status, res.body.type], path).toEqual([404, '/problems/not-found']);
    }
    // Refused before anything is read: a guessed id and a customer learn the same.
    expect((await get(`/admin/orders/${unknown}/events`, asCustomer)).status).toBe(403);
  });

  it('refuses a cursor forged by hand, and bad limits and versions, with a 400 problem', async () => {
    const b64 = (value: string) => Buffer.from(value).toString('base64url');
    const first = await get<Page>(`/admin/orders/${order.orderId}/events?limit=2`, admin.headers);
    const streamFirst = await get<Page>(`/admin/streams/checkout-${order.orderId}/events?limit=2`, admin.headers);
    const genuine = first.body.nextCursor!;
    const genuineVersion = streamFirst.body.nextCursor!;
    const forged = [
      'bm9wZQ',
      '!!!',
      'x'.repeat(300),
      b64('["p","1.2.3"]'),
      b64('["p","99999999999999999999.1"]'),
      b64('["p","-1.5"]'),
      b64('["p", "1.1"]'),
      b64('["p","01.1"]'),
      b64('{"p":"1.1"}'),
      b64('["p","1.1","x"]'),
      `${genuine}=`,
      `${genuine}A`,
      genuineVersion,
    ];
    const lists = [`/admin/orders/${order.orderId}/events`, `/admin/correlations/${order.correlationId}`];
    for (const path of lists) {
      expect((await get(`${path}?cursor=${genuine}`, admin.headers)).status).toBe(200);
      for (const cursor of forged) {
        const res = await get<Problem & { errors: { path: string }[] }>(
          `${path}?cursor=${encodeURIComponent(cursor)}`,
          admin.headers,
        );
        expect([res.status, res.body.type, res.body.errors?.[0]?.path], `${path} ${cursor}`).toEqual([
          400,
          '/problems/validation-error',
          'cursor',
        ]);
      }
    }
    const stream = `/admin/streams/checkout-${order.orderId}/events`;
    expect((await get(`${stream}?cursor=${genuineVersion}`, admin.headers)).status).toBe(200);
    for (const cursor of [genuine, b64('["v","0"]'), b64('["v","9223372036854775807"]'), b64('["v",5]')]) {
      expect((await get(`${stream}?cursor=${cursor}`, admin.headers)).status, cursor).toBe(400);
    }
    for (const query of ['limit=0', 'limit=501', 'limit=ten', 'cursor=', 'page=2', 'cursor=a&cursor=b']) {
      for (const path of [...lists, stream])
        expect((await get(`${path}?${query}`, admin.headers)).status, `${path}?${query}`).toBe(400);
    }
    for (const at of ['0', '-1', '1.5', 'two', '', '99999999999999999999', '1&at=2'])
      expect((await get(`/admin/orders/${order.orderId}/state?at=${at}`, admin.headers)).status, at).toBe(400);
  });

  it('replays the order with today’s decider and reports where the read model differs', async () => {
    const replay = () =>
      get<{ consistent: boolean; version: string; differences?: unknown[] }>(
        `/admin/orders/${order.orderId}/replay`,
        opsA.headers,
      );
    expect((await replay()).body).toEqual({ orderId: order.orderId, version: '9', consistent: true });

    const orders = `${liveSchema('orders')}.orders`;
    await stack.db.pool.query(`update ${orders} set refunded = 0 where order_id = $1`, [order.orderId]);
    const drifted = await replay();
    expect(drifted.status).toBe(200);
    expect(drifted.body).toEqual({
      orderId: order.orderId,
      version: '9',
      consistent: false,
      differences: [{ field: 'refunded', decided: 500, readModel: 0 }],
    });

    await stack.db.pool.query(`update ${orders} set status = 'delivered' where order_id = $1`, [order.orderId]);
    expect((await replay()).body.differences).toEqual([
      { field: 'status', decided: 'shipped', readModel: 'delivered' },
      { field: 'refunded', decided: 500, readModel: 0 },
    ]);
    await stack.db.pool.query(`delete from ${orders} where order_id = $1`, [order.orderId]);
    expect((await replay()).body.differences).toEqual([{ field: 'exists', decided: true, readModel: false }]);
  });

  it('answers the same states from kept ones as from a fold from the first event, in any order of asking', async () => {
    const all = await events.readStream(orderStream(order.orderId));
    const folded = all.map((_, i) =>
      all
        .slice(0, i + 1)
        .reduce((s, e) => orderDecider.evolve(s, e as unknown as OrderEvent), orderDecider.initialState()),
    );
    // Kept at every 2nd version, asked out of order, and twice: later answers start from kept states.
    const history = orderHistory(events, { every: 2 });
    const versions = [7, 2, 9, 1, 4, 8, 3, 6, 5, 9, 1, 5];
    for (const v of versions) {
      const found = await history.at(order.orderId, BigInt(v));
      expect(toJson(found!.after), `v${v}`).toEqual(toJson(folded[v - 1]));
      expect(toJson(found!.before), `v${v}`).toEqual(toJson(v === 1 ? orderDecider.initialState() : folded[v - 2]));
      expect(found!.event.streamPosition).toBe(BigInt(v));
    }
    expect(await history.at(order.orderId, 10n)).toBeNull();
  });
});
