import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { testConfig } from '@flowdose/shared/config';
import {
  type Answer,
  badEscape,
  expectSafeAnswer,
  fillPath,
  headerText,
  hostileKey,
  hostileSegment,
  hostileValue,
  routesOf,
  type ServedRoute,
  sendRaw,
} from '@flowdose/shared/http/fuzz.test-support';
import { MAX_JSON_DEPTH } from '@flowdose/shared/http/json-body';
import { checkoutDetails } from '@flowdose/testing/checkout';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.ts';
import { startShop } from '../harness.test-support.ts';

// High limits: the fuzz is not about rate limiting.
const config = testConfig({
  COMMANDS_PER_MINUTE: '100000',
  LOGIN_ATTEMPTS_PER_IP: '100000',
  LOGIN_ATTEMPTS_PER_ACCOUNT: '100000',
});
const PASSWORD = 'correct horse battery';

let shop: Awaited<ReturnType<typeof startShop>>;
let routes: ServedRoute[];
/** A real value for each path parameter, so a request reaches as deep as it can. */
let params: Record<string, string>;
let headersFor: Record<'none' | 'cart' | 'customer' | 'admin', Record<string, string>>;
let refreshToken: string;

beforeAll(async () => {
  shop = await startShop(config);
  const { api, admin } = shop;
  routes = routesOf(buildApp(shop.deps));
  for (const sku of ['MUG-WHITE', 'CAP-BLACK']) await shop.restock(sku, 1000);
  const cart = await shop.cartWith([['MUG-WHITE', 1]]);
  const { lineId } = (await shop.stream(`cart-${cart.cartId}`)).find((e) => e.type === 'CartItemAdded')!.data as {
    lineId: string;
  };
  const order = await shop.checkOut(await shop.cartWith([['CAP-BLACK', 1]]));
  const product = await api.request<{ productId: string }>('POST', '/admin/products', {
    headers: admin,
    body: newProduct('fuzz-product', 'FUZZ-1'),
  });
  const discount = await api.request('POST', '/admin/discounts', {
    headers: admin,
    body: { code: 'FUZZ10', value: { kind: 'percent', percent: 10 } },
  });
  const account = await api.request<{ accessToken: string; refreshToken: string }>('POST', '/auth/register', {
    body: { email: 'fuzz@example.com', password: PASSWORD },
  });
  const address = await api.request<{ addressId: string }>('POST', '/me/addresses', {
    headers: { Authorization: `Bearer ${account.body.accessToken}` },
    body: fuzzAddress,
  });
  for (const res of [order, product, discount, account, address]) expect(res.status, res.text).toBeLessThan(300);
  refreshToken = account.body.refreshToken;
  params = {
    cartId: cart.cartId,
    lineId,
    productId: product.body.productId,
    sku: 'FUZZ-1',
    orderId: order.body.orderId,
    code: 'FUZZ10',
    name: 'carts',
    position: '1.1',
    addressId: address.body.addressId,
  };
  headersFor = {
    none: {},
    cart: { 'X-Cart-Token': cart.cartToken },
    customer: { Authorization: `Bearer ${account.body.accessToken}` },
    admin,
  };
});
afterAll(() => shop.close());

const fuzzAddress = { name: 'Fuzz', line1: '1 Lane', city: 'Berlin', postalCode: '10115', country: 'DE' };

const newProduct = (handle: string, sku: string) => ({
  title: 'Fuzz',
  handle,
  description: '',
  category: 'test',
  tags: [],
  options: [],
  variants: [{ sku, optionValues: {}, prices: { EUR: 100 }, weightGrams: 10 }],
});

/**
 * What each route needs to get past its access checks, and a body it would accept (null: it
 * reads none). A route missing here fails the first test: a new route has to say how to reach it.
 */
const access = (route: ServedRoute): keyof typeof headersFor =>
  route.path.startsWith('/carts/')
    ? 'cart'
    : route.path === '/auth/logout' || route.path.startsWith('/me/')
      ? 'customer'
      : route.path.startsWith('/admin/') && route.path !== '/admin/auth/login'
        ? 'admin'
        : 'none';
const validBodies = (): Record<string, object | null> => ({
  'GET /health': null,
  'GET /ready': null,
  'GET /openapi.json': null,
  'GET /docs': null,
  'GET /docs/redoc.standalone.js': null,
  'POST /webhooks/payments': { id: 'evt_1', type: 'payment.succeeded', orderId: params.orderId, paymentId: 'pay_1' },
  'POST /auth/register': { email: 'new@example.com', password: PASSWORD },
  'POST /auth/login': { email: 'fuzz@example.com', password: PASSWORD },
  'POST /admin/auth/login': { email: 'staff@example.com', password: PASSWORD },
  'POST /auth/refresh': { refreshToken },
  'POST /auth/logout': null,
  'POST /me/password': { currentPassword: PASSWORD, newPassword: PASSWORD },
  'POST /me/addresses': fuzzAddress,
  'PATCH /me/addresses/:addressId': { city: 'Bonn' },
  'DELETE /me/addresses/:addressId': null,
  'POST /carts': { currency: 'EUR' },
  'POST /carts/:cartId/items': { sku: 'MUG-WHITE', quantity: 1 },
  'PATCH /carts/:cartId/items/:lineId': { quantity: 2 },
  'DELETE /carts/:cartId/items/:lineId': null,
  'POST /carts/:cartId/checkout': checkoutDetails(),
  'POST /admin/projections/:name/rebuild': null,
  'POST /admin/projections/:name/dead-letters/:position/retry': {},
  'POST /admin/projections/:name/dead-letters/:position/skip': { reason: 'fuzz' },
  'POST /admin/products': newProduct('fuzz-other', 'FUZZ-2'),
  'PATCH /admin/products/:productId': { title: 'Renamed' },
  'PATCH /admin/products/:productId/variants/:sku': { weightGrams: 20 },
  'POST /admin/products/:productId/variants': { sku: 'FUZZ-3', optionValues: {}, prices: { EUR: 5 }, weightGrams: 1 },
  'DELETE /admin/products/:productId/variants/:sku': null,
  'PUT /admin/products/:productId/options': { options: [] },
  'PUT /admin/products/:productId/images': { images: [] },
  // A multipart form (admin-product-images.test.ts): every JSON body here is refused with 415.
  'POST /admin/products/:productId/images': null,
  'POST /admin/products/:productId/publish': null,
  'POST /admin/products/:productId/unpublish': null,
  'POST /admin/products/:productId/archive': null,
  'POST /admin/inventory/:sku/restock': { quantity: 1, reason: 'fuzz' },
  'POST /admin/inventory/:sku/adjust': { delta: 1, reason: 'fuzz' },
  'POST /admin/discounts': { code: 'FUZZ20', value: { kind: 'percent', percent: 20 } },
  'POST /admin/discounts/:code/disable': { reason: 'fuzz' },
  'POST /admin/orders/:orderId/capture': {},
  'POST /admin/orders/:orderId/fulfil': {},
  'POST /admin/orders/:orderId/ship': { trackingNumber: 'TRACK-1' },
  'POST /admin/orders/:orderId/deliver': {},
  'POST /admin/orders/:orderId/cancel': { reason: 'fuzz' },
  'POST /admin/orders/:orderId/refund': { amount: 100, reason: 'fuzz' },
});
const keyOf = (route: ServedRoute) => `${route.method} ${route.path}`;
const mutates = (route: ServedRoute) => route.method !== 'GET' && route.method !== 'HEAD';

/** Everything a request could change: the log, and the tables that are not projections. */
const footprint = async () =>
  (
    await shop.db.pool.query(`select
      (select count(*) from events) as events,
      (select count(*) from customer_credentials) as customers,
      (select count(*) from staff_users) as staff,
      (select count(*) from auth_sessions) as sessions,
      (select count(*) from refresh_tokens where used_at is null) as live_refresh_tokens,
      (select count(*) from catalog_claims) as catalog_claims`)
  ).rows[0];

type Hostile = { label: string; path?: string; headers?: Record<string, string>; body?: string | Uint8Array };

// Each of these is refused before any route reads the request, whatever the route.
const nestedDeeper = fc
  .tuple(fc.integer({ min: MAX_JSON_DEPTH + 1, max: 5000 }), fc.boolean())
  .map(([depth, objects]) =>
    objects ? `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}` : `${'['.repeat(depth)}${']'.repeat(depth)}`,
  );

const objectsIn = (value: unknown): object[] =>
  Array.isArray(value)
    ? value.flatMap(objectsIn)
    : value && typeof value === 'object'
      ? [value, ...Object.values(value).flatMap(objectsIn)]
      : [];

/**
 * The body as JSON with a second copy of one of its keys, in any of its objects, before or
 * after the first, maybe spelt with \u escapes (JSON.parse takes both as one key).
 */
const withDuplicateKey = (body: object) =>
  fc.tuple(fc.nat(), hostileValue, fc.boolean(), fc.boolean()).map(([pick, value, escaped, before]) => {
    const objects = objectsIn(body);
    const target = objects[pick % objects.length]!;
    const keys = Object.keys(target);
    const key = keys[pick % Math.max(keys.length, 1)] ?? 'key';
    const spelt = escaped
      ? `"${[...key].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')}"`
      : JSON.stringify(key);
    const copy = `${spelt}:${JSON.stringify(value) ?? 'null'}`;
    const write = (v: unknown): string => {
      if (Array.isArray(v)) return `[${v.map(write).join(',')}]`;
      if (!v || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
      const members = Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}:${write(x)}`);
      if (v === target) {
        if (keys.length === 0) members.push(`${JSON.stringify(key)}:1`);
        if (before) members.unshift(copy);
        else members.push(copy);
      }
      return `{${members.join(',')}}`;
    };
    return write(body);
  });

const preParse = (route: ServedRoute, body: object | null): fc.Arbitrary<Hostile> => {
  const json = JSON.stringify(body ?? { currency: 'EUR' });
  const kinds: fc.Arbitrary<Hostile>[] = [
    withDuplicateKey(body ?? { currency: 'EUR' }).map((raw) => ({ label: 'duplicate key', body: raw })),
    nestedDeeper.map((deep) => ({ label: 'too deep', body: `{"x":${deep}}` })),
    nestedDeeper.map((deep) => ({ label: 'too deep', body: deep })),
    fc.constantFrom('gzip', 'deflate', 'br', 'GZIP').map((encoding) => ({
      label: `not ${encoding}`,
      headers: { 'Content-Encoding': encoding },
      body: json,
    })),
    // Never cut to nothing: an empty body is {} to express.json, which some routes take.
    fc.nat().map((cut) => {
      const gz = gzipSync(json);
      return {
        label: 'cut gzip',
        headers: { 'Content-Encoding': 'gzip' },
        body: gz.subarray(0, 1 + (cut % (gz.length - 1))),
      };
    }),
    fc.constant({
      label: 'gzip and more',
      headers: { 'Content-Encoding': 'gzip' },
      body: Buffer.concat([gzipSync(json), Buffer.from('junk')]),
    }),
    fc.constant({
      label: 'br said gzip',
      headers: { 'Content-Encoding': 'gzip' },
      body: brotliCompressSync(json),
    }),
    fc.constantFrom('zstd', 'x-gzip', 'compress', 'gzip, gzip', 'identity, gzip', 'rot13').map((encoding) => ({
      label: `encoding ${encoding}`,
      headers: { 'Content-Encoding': encoding },
      body: json,
    })),
    fc.constantFrom('utf-16', 'utf-16le', 'utf-32', 'utf-7', 'latin1', 'bogus').map((charset) => ({
      label: `charset ${charset}`,
      headers: { 'Content-Type': `application/json; charset=${charset}` },
      body: json,
    })),
    fc.nat().map((cut) => ({ label: 'cut JSON', body: json.slice(0, 1 + (cut % (json.length - 1))) })),
    headerText(5000).map((token) => ({ label: 'bad token', headers: { Authorization: `Bearer ${token}!` } })),
  ];
  if (route.params.length > 0)
    kinds.push(
      fc.tuple(fc.constantFrom(...route.params), badEscape).map(([param, bad]) => ({
        label: `bad escape in :${param}`,
        path: fillPath(route.path, { ...params, [param]: bad }),
      })),
    );
  return fc.oneof(...kinds);
};

/** Wrong types, huge strings and random JSON in a body the route reads, always with a key it does not know. */
const badBody = (body: object): fc.Arbitrary<Hostile> =>
  fc.oneof(
    fc
      .tuple(
        fc.dictionary(fc.constantFrom(...Object.keys(body), 'sku', 'quantity'), hostileValue, { maxKeys: 4 }),
        hostileKey,
        // A value JSON can write: an undefined one (fc.anything's) took the unknown key out of
        // the body, which was then valid and rightly accepted (seed 923701105).
        hostileValue.filter((value) => JSON.stringify(value) !== undefined),
      )
      .map(([fields, key, value]) => {
        const mangled: Record<string, unknown> = { ...body, ...fields };
        Object.defineProperty(mangled, key, { value, enumerable: true, configurable: true, writable: true });
        return { label: 'mangled body', body: JSON.stringify(mangled) };
      }),
    fc
      .oneof(fc.array(fc.anything(), { maxLength: 5 }), fc.jsonValue({ maxDepth: 5 }))
      .filter((v) => !(v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0))
      .map((v) => ({ label: 'random JSON', body: JSON.stringify(v) ?? 'null' })),
    ...(Object.keys(body).length > 0
      ? [fc.constant({ label: 'not JSON said', headers: { 'Content-Type': 'text/plain' }, body: JSON.stringify(body) })]
      : []),
  );

const idempotencyKey = fc.oneof(
  fc.constant<Record<string, string>>({}),
  fc.uuid().map((key) => ({ 'Idempotency-Key': key })),
  headerText(400).map((key) => ({ 'Idempotency-Key': key })),
);

async function sendHostile(route: ServedRoute, hostile: Hostile, extra: Record<string, string>): Promise<Answer> {
  const path = hostile.path ?? fillPath(route.path, params);
  const hasBody = hostile.body !== undefined && mutates(route);
  const headers = {
    ...(hasBody ? { 'Content-Type': 'application/json' } : {}),
    ...headersFor[access(route)],
    ...extra,
    ...hostile.headers,
  };
  return sendRaw(shop.api.url, route.method, path, headers, hasBody ? hostile.body : undefined);
}

describe('hostile requests on every route of the command API', () => {
  it('covers every route the app serves', () => {
    expect(routes.map(keyOf).sort()).toEqual(Object.keys(validBodies()).sort());
  });

  it('refuses what is wrong before any route reads it, and changes nothing', async () => {
    const before = await footprint();
    await fc.assert(
      fc.asyncProperty(
        fc.nat().chain((i) => {
          const route = routes[i % routes.length]!;
          return fc.tuple(fc.constant(route), preParse(route, validBodies()[keyOf(route)] ?? null), idempotencyKey);
        }),
        async ([route, hostile, extra]) => {
          const answer = await sendHostile(route, hostile, extra);
          const label = `${route.method} ${route.path} (${hostile.label})`;
          expectSafeAnswer(answer, label);
          // The health check (a GET: no body is sent) may answer; a mutation never.
          if (mutates(route)) expect(answer.status, label).toBeGreaterThanOrEqual(400);
        },
      ),
      { numRuns: 500 },
    );
    expect(await footprint()).toEqual(before);
  });

  it('refuses wrong types, huge strings and random JSON in every body a route reads', async () => {
    const before = await footprint();
    const reading = () => routes.filter((r) => validBodies()[keyOf(r)]);
    await fc.assert(
      fc.asyncProperty(
        fc.nat().chain((i) => {
          const route = reading()[i % reading().length]!;
          return fc.tuple(fc.constant(route), badBody(validBodies()[keyOf(route)]!), idempotencyKey);
        }),
        async ([route, hostile, extra]) => {
          const answer = await sendHostile(route, hostile, extra);
          const label = `${route.method} ${route.path} (${hostile.label}) ${String(hostile.body).slice(0, 200)}`;
          expectSafeAnswer(answer, label);
          expect(answer.status, label).toBeGreaterThanOrEqual(400);
        },
      ),
      { numRuns: 300 },
    );
    // A hostile key never reached a prototype.
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(await footprint()).toEqual(before);
  });

  it('refuses ids that name nothing, whatever they hold', async () => {
    const before = await footprint();
    const withParams = () => routes.filter((r) => r.params.length > 0);
    await fc.assert(
      fc.asyncProperty(
        fc.nat(),
        fc.record({
          cartId: hostileSegment,
          lineId: hostileSegment,
          productId: hostileSegment,
          sku: hostileSegment,
          orderId: hostileSegment,
          code: hostileSegment,
          name: hostileSegment,
        }),
        async (i, ids) => {
          const route = withParams()[i % withParams().length]!;
          const path = fillPath(route.path, ids);
          const body = validBodies()[keyOf(route)];
          const answer = await sendHostile(route, { label: 'hostile ids', path, body: JSON.stringify(body ?? {}) }, {});
          expectSafeAnswer(answer, `${route.method} ${path.slice(0, 300)}`);
          expect(answer.status).toBeGreaterThanOrEqual(400);
        },
      ),
      { numRuns: 200 },
    );
    expect(await footprint()).toEqual(before);
  });

  it('answers headers too large with a 431 problem, and goes on serving', async () => {
    for (const size of [17_000, 100_000, 1_000_000]) {
      const answer = await sendRaw(shop.api.url, 'POST', '/carts', { 'X-Filler': 'x'.repeat(size) }, '{}');
      expect(answer.status).toBe(431);
      expectSafeAnswer(answer, `${size} bytes of headers`);
    }
    expect((await shop.api.request('GET', '/health')).status).toBe(200);
  });
});

describe('each hostile request gets the problem that says what is wrong', () => {
  const send = (method: string, path: string, headers: Record<string, string>, body?: string) =>
    sendRaw(shop.api.url, method, path, { 'Content-Type': 'application/json', ...headers }, body);
  const problemOf = (answer: Answer) => {
    expectSafeAnswer(answer, answer.text);
    return answer.body as { status: number; type: string; errors?: { path: string }[] };
  };

  it('maps each to its status and type', async () => {
    const cart = headersFor.cart;
    const open = '{"currency":"EUR"}';
    const cases: [Promise<Answer>, number, string][] = [
      [send('POST', '/carts/%ZZ/items', cart, '{}'), 400, '/problems/malformed-path'],
      [send('PATCH', `/carts/${params.cartId}/items/%E0%A4%A`, cart, '{}'), 400, '/problems/malformed-path'],
      [send('DELETE', `/carts/%/items/${params.lineId}`, cart), 400, '/problems/malformed-path'],
      [send('POST', '/carts', { 'Content-Encoding': 'gzip' }, open), 400, '/problems/malformed-encoding'],
      [send('POST', '/carts', { 'Content-Encoding': 'deflate' }, open), 400, '/problems/malformed-encoding'],
      [send('POST', '/carts', { 'Content-Encoding': 'br' }, open), 400, '/problems/malformed-encoding'],
      [send('POST', '/carts', { 'Content-Encoding': 'x-zip' }, open), 415, '/problems/unsupported-encoding'],
      [
        send('POST', '/carts', { 'Content-Type': 'application/json; charset=utf-16' }, open),
        415,
        '/problems/unsupported-encoding',
      ],
      [send('POST', '/carts', {}, '{"currency":"EUR"'), 400, '/problems/malformed-json'],
      [
        send('POST', '/carts', {}, JSON.stringify({ currency: 'x'.repeat(40_000) })),
        413,
        '/problems/payload-too-large',
      ],
      [
        send('DELETE', `/carts/${params.cartId}/items/${randomUUID()}`, cart, '{"a":1,"a":2}'),
        400,
        '/problems/validation-error',
      ],
    ];
    for (const [answer, status, type] of cases) expect(problemOf(await answer)).toMatchObject({ status, type });
    expect((await send('POST', '/carts', { 'Content-Encoding': 'gzip' }, undefined)).status).toBe(400);
  });

  it('names the duplicate key and the depth, also with an Idempotency-Key', async () => {
    const before = await footprint();
    const key = { 'Idempotency-Key': randomUUID() };
    const duplicate = problemOf(await send('POST', '/carts', key, '{"currency":"XXX","currency":"EUR"}'));
    expect(duplicate).toMatchObject({
      status: 400,
      type: '/problems/validation-error',
      errors: [{ path: 'currency' }],
    });
    const deep = `{"currency":${'['.repeat(5000)}${']'.repeat(5000)}}`;
    const tooDeep = problemOf(await send('POST', '/carts', key, deep));
    expect(tooDeep).toMatchObject({ status: 400, type: '/problems/validation-error', errors: [{ path: '(body)' }] });
    expect(await footprint()).toEqual(before);
  });

  it('answers a DELETE whose body has no length with its own answer, then a problem for the rest', async () => {
    const url = new URL(shop.api.url);
    // Node's client sends a DELETE's body with neither Content-Length nor chunking: the server
    // reads a DELETE without a body, then the body as a broken second request.
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(url.port), url.hostname, () => {
        socket.write(
          `DELETE /carts/${params.cartId}/items/${randomUUID()} HTTP/1.1\r\nHost: x\r\n` +
            `X-Cart-Token: ${headersFor.cart['X-Cart-Token']}\r\nContent-Type: application/json\r\n\r\n{"x":1}`,
        );
      });
      let text = '';
      socket.on('data', (chunk) => {
        text += chunk;
      });
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    const answers = raw.split(/(?=HTTP\/1\.1 \d{3} )/);
    expect(answers).toHaveLength(2);
    // First the DELETE's own answer (the line is not in the cart), then the refusal of the rest.
    expect(answers[0]).toMatch(/^HTTP\/1\.1 404 [\s\S]*application\/problem\+json[\s\S]*"type":"\/problems\//);
    expect(answers[1]).toMatch(/^HTTP\/1\.1 400 [\s\S]*application\/problem\+json[\s\S]*"\/problems\/bad-request"/);
  });
});
