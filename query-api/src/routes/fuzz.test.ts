import { createSessions } from '@flowdose/shared/auth/sessions';
import { createLocalBlobStore } from '@flowdose/shared/blob-store/local';
import { testConfig } from '@flowdose/shared/config';
import { parsePosition } from '@flowdose/shared/event-store/position';
import { createPostgresEventStore } from '@flowdose/shared/event-store/postgres/store';
import {
  badEscape,
  expectSafeAnswer,
  fillPath,
  headerText,
  hostileSegment,
  routesOf,
  type ServedRoute,
  sendRaw,
} from '@flowdose/shared/http/fuzz.test-support';
import { createLogger } from '@flowdose/shared/logger';
import { createNotifications } from '@flowdose/shared/notifications';
import { createRequestRedis } from '@flowdose/shared/redis';
import { bearerFor } from '@flowdose/testing/auth';
import { publishTestCatalog } from '@flowdose/testing/catalog';
import { checkoutDetails } from '@flowdose/testing/checkout';
import { countEvents } from '@flowdose/testing/db';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.ts';
import { createChangeHub } from '../changes.ts';
import { shopperWithCart, startStack } from '../harness.test-support.ts';
import { createPositionWaiter } from '../min-position.ts';

const config = testConfig({ MIN_POSITION_TIMEOUT_MS: '2000' });
let stack: Awaited<ReturnType<typeof startStack>>;
let routes: ServedRoute[];
let params: Record<string, string>;
let headersFor: Record<'none' | 'cart' | 'customer' | 'admin', Record<string, string>>;

/** The query API's routes, read from an app built on real dependencies (closed once read). */
async function servedRoutes(): Promise<ServedRoute[]> {
  const { db } = stack;
  const redis = createRequestRedis(config.REDIS_URL);
  const store = createPostgresEventStore({ pool: db.pool, connectionString: db.url });
  const notifications = createNotifications(db.url, () => {});
  const changes = createChangeHub({
    url: config.REDIS_URL,
    prefix: config.QUEUE_PREFIX,
    logger: createLogger('test', 'silent'),
  });
  try {
    const app = buildApp({
      config,
      logger: createLogger('test', 'silent'),
      pool: db.pool,
      redis,
      store,
      sessions: createSessions(db.pool, config),
      waitForPosition: createPositionWaiter(db.pool, notifications, 1000),
      blobs: createLocalBlobStore(config.MEDIA_DIR),
      renditions: null,
      changes,
    });
    return routesOf(app);
  } finally {
    await notifications.close();
    changes.close();
    await store.close();
    redis.disconnect();
  }
}

beforeAll(async () => {
  stack = await startStack(config);
  const { commands } = stack;
  const admin = await bearerFor(config.AUTH_JWT_SECRET, 'admin', 3600);
  await publishTestCatalog(commands, config.AUTH_JWT_SECRET, { stock: 10 });
  const { customer, cart, cartAccess } = await shopperWithCart(commands, 'fuzz@example.com');
  const order = await commands.request<{ orderId: string; position: string }>(
    'POST',
    `/carts/${cart.cartId}/checkout`,
    {
      body: checkoutDetails(),
      headers: cartAccess,
    },
  );
  expect(order.status, order.text).toBe(201);
  const open = (
    await commands.request<{ cartId: string; cartToken: string }>('POST', '/carts', { body: { currency: 'EUR' } })
  ).body;
  // Every read model has the data before the fuzz starts.
  const caughtUp = await stack.queries.request('GET', `/orders/${order.body.orderId}`, {
    headers: { ...customer, 'X-Min-Position': order.body.position },
  });
  expect(caughtUp.status, caughtUp.text).toBe(200);
  routes = await servedRoutes();
  params = { cartId: open.cartId, orderId: order.body.orderId, idOrHandle: 'mug-white' };
  headersFor = { none: {}, cart: { 'X-Cart-Token': open.cartToken }, customer, admin };
});
afterAll(() => stack.close());

const queryNames = fc.constantFrom(
  'q',
  'category',
  'tag',
  'sort',
  'cursor',
  'limit',
  'currency',
  'minPrice',
  'maxPrice',
  'inStock',
  'status',
  'from',
  'to',
  'customer',
  '__proto__',
  'constructor',
  'limit[]',
  'a[b][c]',
);
const encoded = (text: string) => encodeURIComponent(text);
const cursorOf = (value: unknown) => Buffer.from(JSON.stringify(value) ?? '').toString('base64url');
const queryValue = fc.oneof(
  fc.string({ maxLength: 300 }).map(encoded),
  badEscape,
  fc.constantFrom('%00', '-1', '0', '1e309', 'NaN', 'true', '9'.repeat(400), encoded('x'.repeat(5000))),
  // Cursors that decode to what no page made: wrong shapes, wrong types, deep nesting.
  fc
    .oneof(
      // Well-formed but from no page, including keys Postgres cannot take (a NUL, a lone
      // surrogate) and numbers that are no whole number.
      fc.tuple(
        fc.oneof(fc.string(), fc.integer(), fc.double(), fc.constantFrom('a\u0000b', '\ud800', 1e-300, -0)),
        fc.oneof(fc.uuid(), fc.string()),
      ),
      fc.jsonValue({ maxDepth: 4 }),
      fc.integer({ min: 10, max: 90 }).map((depth) => JSON.parse(`${'['.repeat(depth)}${']'.repeat(depth)}`)),
    )
    .map(cursorOf),
);
const queryString = fc
  .array(fc.tuple(queryNames, queryValue), { maxLength: 6 })
  .map((pairs) => (pairs.length ? `?${pairs.map(([k, v]) => `${encoded(k)}=${v}`).join('&')}` : ''));

// Positions that never parse: a wait for a real one ahead of the log is a fair 503.
const notAPosition = fc.oneof(headerText(60), fc.constantFrom('-1', '1.', '.1', '1..2', '0x10', '1e3', ' 1'));
const hostileHeaders = fc.record(
  {
    Authorization: fc.oneof(
      headerText(5000),
      headerText(200).map((t) => `Bearer ${t}`),
    ),
    'X-Min-Position': notAPosition.filter((p) => parsePosition(p.trim()) === null),
    'X-Cart-Token': headerText(500),
    'If-None-Match': headerText(200),
    Accept: fc.constantFrom('text/csv', 'application/xml', '*/*', 'text/event-stream'),
    'X-Correlation-Id': headerText(300),
  },
  { requiredKeys: [] },
);

describe('hostile requests on every route of the query API', () => {
  it('serves routes to fuzz', () => {
    expect(routes.length).toBeGreaterThan(5);
    expect(routes.every((r) => r.method === 'GET')).toBe(true);
  });

  it('never answers 5xx, always a problem when refusing, and appends nothing', async () => {
    const before = await countEvents(stack.db.pool);
    await fc.assert(
      fc.asyncProperty(
        fc.nat(),
        fc.oneof(
          fc.constant({}),
          fc.record({ cartId: hostileSegment, orderId: hostileSegment, idOrHandle: hostileSegment }),
        ),
        queryString,
        fc.constantFrom<keyof typeof headersFor>('none', 'cart', 'customer', 'admin'),
        hostileHeaders,
        async (i, ids, query, who, headers) => {
          const route = routes[i % routes.length]!;
          const path = fillPath(route.path, { ...params, ...ids }) + query;
          const answer = await sendRaw(stack.queries.url, route.method, path, { ...headersFor[who], ...headers });
          expectSafeAnswer(answer, `GET ${path.slice(0, 300)} ${JSON.stringify(headers).slice(0, 300)}`);
        },
      ),
      { numRuns: 400 },
    );
    expect(await countEvents(stack.db.pool)).toBe(before);
  });

  it('refuses bad escapes, NUL characters and huge headers with the problem that says so', async () => {
    const get = (path: string, headers: Record<string, string> = {}) =>
      sendRaw(stack.queries.url, 'GET', path, { ...headersFor.cart, ...headers });
    const cases: [string, Record<string, string>, number, string][] = [
      ['/carts/%ZZ', {}, 400, '/problems/malformed-path'],
      ['/orders/%E0%A4%A', {}, 400, '/problems/malformed-path'],
      ['/products/%', {}, 400, '/problems/malformed-path'],
      ['/products/mug%00white', {}, 400, '/problems/validation-error'],
      ['/products?q=%00', {}, 400, '/problems/validation-error'],
      ['/products', { 'X-Min-Position': 'soon' }, 400, '/problems/validation-error'],
      ['/products', { 'X-Filler': 'x'.repeat(100_000) }, 431, '/problems/headers-too-large'],
    ];
    for (const [path, headers, status, type] of cases) {
      const answer = await get(path, headers);
      expectSafeAnswer(answer, path);
      expect(answer.body, path).toMatchObject({ status, type });
    }
    expect((await stack.queries.request('GET', '/health')).status).toBe(200);
  });
});
