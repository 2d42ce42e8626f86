import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readEventStream } from '@flowdose/contract/event-stream';
import { OrderView } from '@flowdose/contract/query-api';
import { changePublisher } from '@flowdose/shared/change-feed';
import { createMetrics } from '@flowdose/shared/http/metrics';
import { createLogger } from '@flowdose/shared/logger';
import { createRedis } from '@flowdose/shared/redis';
import { publishTestCatalog } from '@flowdose/testing/catalog';
import { checkoutDetails } from '@flowdose/testing/checkout';
import { serve } from '@flowdose/testing/http';
import { freePort, spawnTs, until } from '@flowdose/testing/process';
import type { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.ts';
import { type ChangeHub, createChangeHub } from '../changes.ts';
import { bearer, placeOrder, shopperWithCart, startStack } from '../harness.test-support.ts';

let stack: Awaited<ReturnType<typeof startStack>>;
let admin: { Authorization: string };
const logger = createLogger('test', 'silent');

beforeAll(async () => {
  stack = await startStack();
  await publishTestCatalog(stack.commands, stack.config.AUTH_JWT_SECRET, { stock: 100 });
  admin = await bearer(stack.config, 'admin');
});
afterAll(() => stack.close());

type Received = { id: string | undefined; event: string; order: OrderView; at: number };

/** A live order stream read as a client would, each message stamped with when it arrived. */
async function listen(base: string, orderId: string, headers: Record<string, string> = {}) {
  const abort = new AbortController();
  const res = await fetch(`${base}/orders/${orderId}/live`, { headers, signal: abort.signal });
  const received: Received[] = [];
  let ended = false;
  let text = '';
  if (res.ok && res.body) {
    const [forMessages, forText] = res.body.tee();
    void (async () => {
      try {
        for await (const m of readEventStream(forMessages)) {
          received.push({
            id: m.id,
            event: m.event,
            order: OrderView.parse(JSON.parse(m.data)),
            at: performance.now(),
          });
        }
      } catch {
        // aborted by close()
      }
      ended = true;
    })();
    void (async () => {
      const decoder = new TextDecoder();
      const reader = forText.getReader();
      try {
        for (let r = await reader.read(); !r.done; r = await reader.read()) text += decoder.decode(r.value);
      } catch {
        // aborted by close()
      }
    })();
  }
  return {
    res,
    received,
    text: () => text,
    ended: () => ended,
    /** The next message after the `seen` first ones, within `ms`. */
    async nth(index: number, ms = 5000): Promise<Received> {
      await until(async () => received.length > index, ms, `message ${index + 1} of ${orderId}`);
      return received[index]!;
    },
    close: () => abort.abort(),
  };
}

const act = async (orderId: string, action: string, body: object = {}) => {
  const res = await stack.commands.request<{ position: string }>('POST', `/admin/orders/${orderId}/${action}`, {
    headers: admin,
    body,
  });
  expect(res.status, res.text).toBe(200);
  return { answeredAt: performance.now(), position: res.body.position };
};

/** Waits until the orders read model holds `position` (as any read with X-Min-Position would). */
const projected = async (orderId: string, position: string) => {
  const res = await stack.queries.request('GET', `/orders/${orderId}`, {
    headers: { ...admin, 'X-Min-Position': position },
  });
  expect(res.status).toBe(200);
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a live order stream', () => {
  it("pushes a shopper's order as staff capture and ship it, within a second of each command's answer", async () => {
    const { customer, cart, cartAccess } = await shopperWithCart(stack.commands, `live-${Date.now()}@example.com`);
    const placed = await stack.commands.request<{ orderId: string; position: string }>(
      'POST',
      `/carts/${cart.cartId}/checkout`,
      {
        headers: cartAccess,
        body: checkoutDetails(),
      },
    );
    expect(placed.status, placed.text).toBe(201);
    const { orderId } = placed.body;
    // Right after the checkout, as the order page opens it: X-Min-Position waits for the order.
    const live = await listen(stack.queries.url, orderId, { ...customer, 'X-Min-Position': placed.body.position });
    expect(live.res.status).toBe(200);
    expect(live.res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(live.res.headers.get('cache-control')).toContain('no-transform');

    // The order as it is now first, whatever the projection had reached when the stream began.
    const first = await live.nth(0);
    expect([first.event, first.id]).toEqual(['order', String(first.order.history.length)]);
    if (first.order.status === 'placed') await live.nth(1);
    const before = live.received.length;
    expect(live.received.at(-1)!.order.status).toBe('authorized');

    const capture = await act(orderId, 'capture');
    const captured = await live.nth(before);
    expect([captured.order.status, captured.order.captured]).toEqual(['captured', captured.order.totals.grandTotal]);
    const fulfil = await act(orderId, 'fulfil');
    const fulfilled = await live.nth(before + 1);
    expect(fulfilled.order.status).toBe('fulfilled');
    const ship = await act(orderId, 'ship', { trackingNumber: 'LIVE-1' });
    const shipped = await live.nth(before + 2);
    expect([shipped.order.status, shipped.order.trackingNumber]).toEqual(['shipped', 'LIVE-1']);

    const delays = [captured.at - capture.answeredAt, fulfilled.at - fulfil.answeredAt, shipped.at - ship.answeredAt];
    console.log(`live order delays after the command's answer (ms): ${delays.map((d) => d.toFixed(0)).join(', ')}`);
    for (const delay of delays) expect(delay).toBeLessThan(1000);
    // One message per change, ids rising with the order's history.
    expect(live.received.map((m) => Number(m.id))).toEqual(live.received.map((m) => m.order.history.length));
    expect(new Set(live.received.map((m) => m.id)).size).toBe(live.received.length);
    live.close();
  });

  it('answers 404 before any stream to whoever may not read the order, as the order read does', async () => {
    const ada = (await shopperWithCart(stack.commands, `ada-${Date.now()}@example.com`)).customer;
    const adas = await placeOrder(stack.commands, 'MUG-WHITE', 1, { headers: ada });
    const guests = await placeOrder(stack.commands, 'MUG-WHITE', 1);
    const eve = (await shopperWithCart(stack.commands, `eve-${Date.now()}@example.com`)).customer;
    await projected(guests.orderId, guests.position);
    await projected(adas.orderId, adas.position);
    const cases: [string, string, Record<string, string>, number][] = [
      ['the customer who placed it', adas.orderId, ada, 200],
      ['another customer', adas.orderId, eve, 404],
      ['nobody signed in', adas.orderId, {}, 404],
      ['the guest with the cart token', guests.orderId, { 'X-Cart-Token': guests.cartToken }, 200],
      ['a guest without it', guests.orderId, {}, 404],
      ['a guest with another cart’s token', guests.orderId, { 'X-Cart-Token': adas.cartToken }, 404],
      ['a customer, at a guest order', guests.orderId, eve, 404],
      ['staff', guests.orderId, await bearer(stack.config, 'ops'), 200],
      ['an unknown order', randomUUID(), ada, 404],
      ['not an id', 'not-an-id', ada, 404],
    ];
    for (const [who, orderId, headers, status] of cases) {
      const live = await listen(stack.queries.url, orderId, headers);
      expect([who, live.res.status]).toEqual([who, status]);
      if (status === 200) {
        expect((await live.nth(0)).order.orderId).toBe(orderId);
        live.close();
      } else {
        expect(live.res.headers.get('content-type')).toContain('application/problem+json');
        // The same answer as for an order that does not exist: nothing says it does.
        expect(((await live.res.json()) as { title: string }).title).toBe('Not found');
      }
    }
  });

  it('resumes from Last-Event-ID with what was missed and nothing twice', async () => {
    const { orderId, cartToken, position } = await placeOrder(stack.commands, 'MUG-WHITE', 1);
    const guest = { 'X-Cart-Token': cartToken };
    await projected(orderId, position);
    const first = await listen(stack.queries.url, orderId, guest);
    const seen = await first.nth(0);
    expect([seen.id, seen.order.status]).toEqual(['2', 'authorized']);
    first.close();

    // Away while staff capture and fulfil it.
    await act(orderId, 'capture');
    const fulfil = await act(orderId, 'fulfil');
    await projected(orderId, fulfil.position);

    const resumed = await listen(stack.queries.url, orderId, { ...guest, 'Last-Event-ID': seen.id! });
    const caughtUp = await resumed.nth(0);
    expect(caughtUp.id).toBe('4');
    expect(caughtUp.order.status).toBe('fulfilled');
    expect(caughtUp.order.history.slice(Number(seen.id)).map((h) => h.status)).toEqual(['captured', 'fulfilled']);

    // Up to date: nothing until the order changes again, then only that change.
    const current = await listen(stack.queries.url, orderId, { ...guest, 'Last-Event-ID': '4' });
    await sleep(700);
    expect(current.received).toEqual([]);
    await act(orderId, 'ship', { trackingNumber: 'RESUME-1' });
    const shipped = await current.nth(0);
    expect([shipped.id, shipped.order.status]).toEqual(['5', 'shipped']);
    expect((await resumed.nth(1)).id).toBe('5');

    // An id this order never reached is not trusted: the order as it is now. Its read must
    // not push version 5 again to the streams that had it.
    const stranger = await listen(stack.queries.url, orderId, { ...guest, 'Last-Event-ID': '99' });
    expect((await stranger.nth(0)).id).toBe('5');
    await sleep(500);
    expect(current.received.map((m) => m.id)).toEqual(['5']);
    expect(resumed.received.map((m) => m.id)).toEqual(['4', '5']);
    for (const live of [resumed, current, stranger]) live.close();
  });
});

/**
 * A Redis of this test's own, so the change notices of an instance listening there can be
 * lost on purpose: the pipeline publishes on the shared Redis, which this one never hears,
 * and dropping its subscribers (CLIENT KILL, as Redis does to a subscriber over its output
 * buffer limit) is a reconnect after which the hub says notices were missed.
 */
describe('a lost change notice', () => {
  let redis: ChildProcess;
  let port: number;
  beforeAll(async () => {
    port = await freePort();
    redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']);
    await until(async () => (await redisCli(port, 'ping')).trim() === 'PONG', 10_000, 'private redis');
  });
  afterAll(() => {
    redis.kill();
  });

  /** A second query-API instance on the same database, hearing its notices on the private Redis. */
  async function deafInstance(recheckMs: number) {
    const changes = createChangeHub({ url: `redis://127.0.0.1:${port}`, prefix: 'deaf', logger });
    await changes.subscribed;
    const config = { ...stack.queryDeps.config, LIVE_ORDER_RECHECK_MS: recheckMs };
    const metrics = createMetrics('query-api');
    const api = await serve(buildApp({ ...stack.queryDeps, config, changes, metrics }));
    return {
      url: api.url,
      metrics,
      async close() {
        await api.close();
        changes.close();
      },
    };
  }

  /**
   * A guest's order watched on a deaf instance, then captured and projected: the capture's
   * notice never reaches the instance, so only what the test looks at can bring it.
   */
  async function capturedUnheard(recheckMs: number) {
    const instance = await deafInstance(recheckMs);
    const { orderId, cartToken, position } = await placeOrder(stack.commands, 'MUG-WHITE', 1);
    await projected(orderId, position);
    const live = await listen(instance.url, orderId, { 'X-Cart-Token': cartToken });
    await live.nth(0);
    const capture = await act(orderId, 'capture');
    await projected(orderId, capture.position);
    return { instance, live, capture };
  }

  it('is made up for by the re-check within LIVE_ORDER_RECHECK_MS', async () => {
    const recheckMs = 1500;
    const { instance, live } = await capturedUnheard(recheckMs);
    const projectedAt = performance.now();
    const captured = await live.nth(1, recheckMs + 3000);
    expect(captured.order.status).toBe('captured');
    const late = captured.at - projectedAt;
    console.log(`lost notice, no reconnect: the stream caught up ${late.toFixed(0)} ms after the projection`);
    // The re-check, plus one read on a machine that may be busy.
    expect(late).toBeLessThan(recheckMs + 1000);
    // What tells operators notices are being lost.
    expect(await metric(instance.metrics, 'flowdose_live_order_pushes_total{cause="recheck"')).toBe(1);
    live.close();
    await instance.close();
  });

  it("nor after a rebuild, whose 'all' notice re-reads every open stream's order", async () => {
    const { instance, live, capture } = await capturedUnheard(120_000);
    await sleep(500);
    expect(live.received.length).toBe(1);
    // What a rebuild's swap publishes: no stream named, the whole model changed.
    const publisher = createRedis(`redis://127.0.0.1:${port}`);
    await changePublisher(
      publisher,
      'deaf',
      logger,
    )({ projection: 'orders', position: capture.position, streams: 'all' });
    publisher.disconnect();
    expect((await live.nth(1, 1000)).order.status).toBe('captured');
    live.close();
    await instance.close();
  });

  it('is made up for at once when the hub reconnects', async () => {
    // A re-check far away: only the reconnect can bring the change in time.
    const { instance, live } = await capturedUnheard(120_000);
    await sleep(700);
    // Its notice never reached this instance: the stream is behind.
    expect(live.received.length).toBe(1);

    const droppedAt = performance.now();
    expect((await redisCli(port, 'client', 'kill', 'type', 'pubsub')).trim()).not.toBe('0');
    const captured = await live.nth(1, 3000);
    expect(captured.order.status).toBe('captured');
    const late = captured.at - droppedAt;
    console.log(`lost notice, then a reconnect: the stream caught up ${late.toFixed(0)} ms after the drop`);
    expect(late).toBeLessThan(1500);
    expect(await metric(instance.metrics, 'flowdose_live_order_pushes_total{cause="missed"')).toBe(1);
    live.close();
    await instance.close();
  });
});

describe('an open stream', () => {
  it('sends heartbeats while idle, and lets go of the change feed when its client goes', async () => {
    let listeners = 0;
    const counted: ChangeHub = {
      ...stack.queryDeps.changes,
      onChange(listener) {
        listeners += 1;
        const off = stack.queryDeps.changes.onChange(listener);
        return () => {
          listeners -= 1;
          return off();
        };
      },
    };
    const config = { ...stack.queryDeps.config, LIVE_ORDER_HEARTBEAT_MS: 200 };
    const metrics = createMetrics('query-api');
    const api = await serve(buildApp({ ...stack.queryDeps, config, changes: counted, metrics }));
    // The read cache listens too, from the start: only the streams' listener comes and goes.
    const others = listeners;
    const { orderId, cartToken, position } = await placeOrder(stack.commands, 'MUG-WHITE', 1);
    await projected(orderId, position);
    const streams = await Promise.all([1, 2].map(() => listen(api.url, orderId, { 'X-Cart-Token': cartToken })));
    await Promise.all(streams.map((s) => s.nth(0)));
    expect(listeners).toBe(others + 1);
    expect(await metric(metrics, 'flowdose_live_order_streams')).toBe(2);
    await sleep(700);
    expect(streams[0]!.text().match(/^: heartbeat$/gm)?.length ?? 0).toBeGreaterThanOrEqual(2);
    for (const s of streams) s.close();
    await until(async () => listeners === others, 2000, 'listener removed');
    expect(await metric(metrics, 'flowdose_live_order_streams')).toBe(0);
    await api.close();
  });

  it('lasts no longer than an access token, so a session signed out since cannot reopen it', async () => {
    // One second here; ACCESS_TOKEN_TTL_SECONDS (15 min by default) in service.
    const config = { ...stack.queryDeps.config, ACCESS_TOKEN_TTL_SECONDS: 1 };
    const api = await serve(buildApp({ ...stack.queryDeps, config }));
    const { customer } = await shopperWithCart(stack.commands, `leaver-${Date.now()}@example.com`);
    const { orderId, position } = await placeOrder(stack.commands, 'MUG-WHITE', 1, { headers: customer });
    await projected(orderId, position);
    const live = await listen(api.url, orderId, customer);
    const first = await live.nth(0);
    const opened = performance.now();
    const out = await stack.commands.request('POST', '/auth/logout', { headers: customer });
    expect(out.status).toBe(204);
    await until(async () => live.ended(), 3000, 'stream ended');
    expect(performance.now() - opened).toBeLessThan(2000);
    const again = await listen(api.url, orderId, { ...customer, 'Last-Event-ID': first.id! });
    expect(again.res.status).toBe(401);
    await api.close();
  });

  it('ends when the service stops, so the server closes at once instead of waiting for it', async () => {
    const stopping = new AbortController();
    const app = buildApp({ ...stack.queryDeps, stopping: stopping.signal });
    const server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const { orderId, cartToken, position } = await placeOrder(stack.commands, 'MUG-WHITE', 1);
    await projected(orderId, position);
    const live = await listen(url, orderId, { 'X-Cart-Token': cartToken });
    await live.nth(0);

    let closed = false;
    const closing = new Promise<void>((resolve) =>
      server.close(() => {
        closed = true;
        resolve();
      }),
    );
    // The stream holds the close as long as it stays open.
    await sleep(500);
    expect(closed).toBe(false);
    const abortedAt = performance.now();
    stopping.abort();
    await until(async () => live.ended(), 2000, 'stream ended');
    server.closeIdleConnections();
    await closing;
    expect(performance.now() - abortedAt).toBeLessThan(1000);
  });
});

describe('the query API process on SIGTERM', () => {
  it('ends its open streams and exits at once, not after its grace', async () => {
    const { orderId, cartToken, position } = await placeOrder(stack.commands, 'MUG-WHITE', 1);
    await projected(orderId, position);
    const port = await freePort();
    // Another instance on the stack's database: it serves the same orders.
    const api = spawnTs('query-api/src/main.ts', [], { DATABASE_URL: stack.db.url, QUERY_API_PORT: String(port) });
    try {
      const url = `http://127.0.0.1:${port}`;
      await until(
        () =>
          fetch(`${url}/health`).then(
            (r) => r.ok,
            () => false,
          ),
        30_000,
        'query API up',
      );
      const live = await listen(url, orderId, { 'X-Cart-Token': cartToken });
      await live.nth(0);
      const stoppedAt = performance.now();
      api.child.kill('SIGTERM');
      await until(async () => live.ended(), 3000, 'stream ended');
      expect(await api.exited).toBe(0);
      const took = performance.now() - stoppedAt;
      console.log(`SIGTERM with a live stream open: exited after ${took.toFixed(0)} ms`);
      expect(took).toBeLessThan(3000);
    } finally {
      api.child.kill('SIGKILL');
    }
  });
});

/** A figure of the instance's metrics (as its metrics port serves them): the first series whose line starts with `series`. */
async function metric(registry: Registry, series: string): Promise<number> {
  const text = await registry.metrics();
  const line = text.split('\n').find((l) => l.startsWith(series));
  return line ? Number(line.split(' ').at(-1)) : Number.NaN;
}

const redisCli = (port: number, ...args: string[]) =>
  new Promise<string>((resolve, reject) => {
    const cli = spawn('redis-cli', ['-p', String(port), ...args]);
    let out = '';
    cli.stdout.on('data', (d) => {
      out += d;
    });
    cli.on('error', reject);
    cli.on('exit', () => resolve(out));
  });
