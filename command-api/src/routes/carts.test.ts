import { randomUUID } from 'node:crypto';
import { signAccessToken } from '@flowdose/shared/auth/tokens';
import { testConfig } from '@flowdose/shared/config';
import { publishTestCatalog, TEST_CATALOG } from '@flowdose/testing/catalog';
import { countEvents, type TestDatabase } from '@flowdose/testing/db';
import type { TestServer } from '@flowdose/testing/http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCommandApi } from '../harness.test-support.ts';

type Created = { cartId: string; cartToken: string; position: string };
type Problem = {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: { path: string; message: string }[];
};

let db: TestDatabase;
let api: TestServer;
let close: () => Promise<void>;
const config = testConfig({ BODY_LIMIT: '4kb' });

beforeAll(async () => {
  ({ db, api, close } = await startCommandApi(config));
  await publishTestCatalog(api, config.AUTH_JWT_SECRET, { stock: 1000 });
});
afterAll(() => close());

const streamOf = async (cartId: string) =>
  (
    await db.pool.query<{ type: string; data: Record<string, unknown>; metadata: Record<string, unknown> }>(
      'select type, data, metadata from events where stream_id = $1 order by stream_position',
      [`cart-${cartId}`],
    )
  ).rows;

async function newCart(currency = 'EUR') {
  const res = await api.request<Created>('POST', '/carts', { body: { currency } });
  expect(res.status).toBe(201);
  return res.body;
}
const asCart = (cart: Created, extra: Record<string, string> = {}) => ({ 'X-Cart-Token': cart.cartToken, ...extra });

describe('cart commands', () => {
  it('answers a retried open whose first answer was lost with the same cart, appending nothing', async () => {
    const headers = { 'Idempotency-Key': `open-lost-${randomUUID()}` };
    const first = await api.request<Created>('POST', '/carts', { body: { currency: 'EUR' }, headers });
    expect(first.status).toBe(201);
    // A crash between the append and storing the answer: the key's row never became final.
    await db.pool.query('delete from idempotency_keys where key = $1', [headers['Idempotency-Key']]);
    const before = await countEvents(db.pool);
    const retry = await api.request<Created>('POST', '/carts', { body: { currency: 'EUR' }, headers });
    expect([retry.status, retry.body]).toEqual([201, first.body]);
    expect(await countEvents(db.pool)).toBe(before);
  });

  it('opens a cart, adds, merges, changes and removes lines, each recorded as events with metadata', async () => {
    const cart = await newCart();
    expect(cart.cartId).toMatch(/^[0-9a-f-]{36}$/);
    expect(cart.cartToken.length).toBeGreaterThanOrEqual(40);
    expect(cart.position).toMatch(/^\d+\.\d+$/);

    const red = await api.request<{ lineId: string; position: string }>('POST', `/carts/${cart.cartId}/items`, {
      body: { sku: 'TSHIRT-RED-M', quantity: 2 },
      headers: asCart(cart, { 'X-Correlation-Id': 'corr-1' }),
    });
    expect(red.status).toBe(201);
    const mug = await api.request<{ lineId: string }>('POST', `/carts/${cart.cartId}/items`, {
      body: { sku: 'MUG-WHITE', quantity: 1 },
      headers: asCart(cart),
    });
    const again = await api.request<{ lineId: string }>('POST', `/carts/${cart.cartId}/items`, {
      body: { sku: 'TSHIRT-RED-M', quantity: 1 },
      headers: asCart(cart),
    });
    expect(again.body.lineId).toBe(red.body.lineId);
    const patch = await api.request('PATCH', `/carts/${cart.cartId}/items/${mug.body.lineId}`, {
      body: { quantity: 4 },
      headers: asCart(cart),
    });
    expect(patch.status).toBe(200);
    const del = await api.request('DELETE', `/carts/${cart.cartId}/items/${mug.body.lineId}`, {
      headers: asCart(cart),
    });
    expect(del.status).toBe(200);
    expect(del.body.position).toMatch(/^\d+\.\d+$/);

    const events = await streamOf(cart.cartId);
    expect(events.map((e) => e.type)).toEqual([
      'CartOpened',
      'CartItemAdded',
      'CartItemAdded',
      'CartItemQuantityChanged',
      'CartItemQuantityChanged',
      'CartItemRemoved',
    ]);
    expect(events[1]!.data).toMatchObject({
      sku: 'TSHIRT-RED-M',
      quantity: 2,
      unitPrice: { amount: 1999, currency: 'EUR' },
    });
    expect(events[3]!.data).toMatchObject({ lineId: red.body.lineId, quantity: 3 });
    expect(events[1]!.metadata).toMatchObject({
      correlationId: 'corr-1',
      actor: { userId: null, role: 'guest' },
      idempotencyKey: null,
      schemaVersion: 1,
    });
    expect(events[1]!.metadata.causationId).toEqual(expect.any(String));
  });

  it('takes the price from the catalog in the cart currency, never from the client', async () => {
    const cart = await newCart('USD');
    const res = await api.request('POST', `/carts/${cart.cartId}/items`, {
      body: { sku: 'MUG-WHITE', quantity: 1, unitPrice: { amount: 1, currency: 'USD' } },
      headers: asCart(cart),
    });
    expect(res.status).toBe(400);
    await api.request('POST', `/carts/${cart.cartId}/items`, {
      body: { sku: 'MUG-WHITE', quantity: 1 },
      headers: asCart(cart),
    });
    const events = await streamOf(cart.cartId);
    expect(events[1]!.data.unitPrice).toEqual({ amount: 1390, currency: 'USD' });
  });

  it('sells only published variants, and only in a currency they are priced in', async () => {
    const token = await signAccessToken(
      config.AUTH_JWT_SECRET,
      { userId: randomUUID(), role: 'admin', sessionId: randomUUID() },
      60,
    );
    const admin = { Authorization: `Bearer ${token}` };
    const draft = await api.request<{ productId: string }>('POST', '/admin/products', {
      headers: admin,
      body: {
        title: 'Draft lamp',
        handle: 'draft-lamp',
        description: '',
        category: 'home',
        tags: [],
        options: [],
        variants: [{ sku: 'LAMP-DRAFT', optionValues: {}, prices: { EUR: 3000 }, weightGrams: 900 }],
      },
    });
    await api.request('POST', '/admin/inventory/LAMP-DRAFT/restock', {
      headers: admin,
      body: { quantity: 5, reason: 'test' },
    });
    const cart = await newCart('EUR');
    const addLamp = (c: Created) =>
      api.request<Problem>('POST', `/carts/${c.cartId}/items`, {
        body: { sku: 'LAMP-DRAFT', quantity: 1 },
        headers: asCart(c),
      });
    expect((await addLamp(cart)).status).toBe(400);
    await api.request('POST', `/admin/products/${draft.body.productId}/publish`, { headers: admin });
    expect((await addLamp(cart)).status).toBe(201);
    const gbp = await addLamp(await newCart('GBP'));
    expect(gbp.status).toBe(400);
    expect(gbp.body.errors?.[0]?.message).toContain('not sold in GBP');
    await api.request('POST', `/admin/products/${draft.body.productId}/archive`, { headers: admin });
    expect((await addLamp(await newCart('EUR'))).status).toBe(400);
  });

  it('hides a cart from callers without its token', async () => {
    const cart = await newCart();
    const another = await newCart();
    const before = await countEvents(db.pool);
    const paths = [
      ['POST', `/carts/${cart.cartId}/items`, { sku: 'MUG-WHITE', quantity: 1 }],
      ['PATCH', `/carts/${cart.cartId}/items/${cart.cartId}`, { quantity: 1 }],
      ['DELETE', `/carts/${cart.cartId}/items/${cart.cartId}`, undefined],
    ] as const;
    // One character off (the first: it carries six whole bits of the MAC, where the last may
    // carry padding), and another cart's genuine token.
    const flipped = `${cart.cartToken.startsWith('A') ? 'B' : 'A'}${cart.cartToken.slice(1)}`;
    const badTokens: Record<string, string>[] = [
      {},
      { 'X-Cart-Token': 'forged' },
      { 'X-Cart-Token': flipped },
      { 'X-Cart-Token': another.cartToken },
    ];
    for (const [method, path, body] of paths) {
      for (const headers of badTokens) {
        const res = await api.request<Problem>(method, path, { body, headers });
        expect(res.status).toBe(404);
        expect(res.headers.get('content-type')).toContain('application/problem+json');
      }
    }
    expect(await countEvents(db.pool)).toBe(before);
  });

  describe('bad input answers 4xx problems and appends nothing', () => {
    const cases: [string, (c: Created) => [string, string, { body?: unknown; raw?: string }], number, string?][] = [
      [
        'malformed JSON',
        (c) => ['POST', `/carts/${c.cartId}/items`, { raw: '{"sku": "MUG-WHITE",' }],
        400,
        'malformed-json',
      ],
      [
        'unknown field',
        (c) => ['POST', `/carts/${c.cartId}/items`, { body: { sku: 'MUG-WHITE', quantity: 1, x: 1 } }],
        400,
      ],
      [
        'wrong type',
        (c) => ['POST', `/carts/${c.cartId}/items`, { body: { sku: 'MUG-WHITE', quantity: '2' } }],
        400,
        'validation-error',
      ],
      [
        'negative quantity',
        (c) => ['POST', `/carts/${c.cartId}/items`, { body: { sku: 'MUG-WHITE', quantity: -1 } }],
        400,
      ],
      ['zero quantity', (c) => ['PATCH', `/carts/${c.cartId}/items/${c.cartId}`, { body: { quantity: 0 } }], 400],
      [
        'huge quantity',
        (c) => ['POST', `/carts/${c.cartId}/items`, { body: { sku: 'MUG-WHITE', quantity: 1e12 } }],
        400,
      ],
      [
        'fractional quantity',
        (c) => ['POST', `/carts/${c.cartId}/items`, { body: { sku: 'MUG-WHITE', quantity: 1.5 } }],
        400,
      ],
      [
        'unknown SKU',
        (c) => ['POST', `/carts/${c.cartId}/items`, { body: { sku: 'NO-SUCH-THING', quantity: 1 } }],
        400,
      ],
      ['lower-case SKU', (c) => ['POST', `/carts/${c.cartId}/items`, { body: { sku: 'mug', quantity: 1 } }], 400],
      ['array body', (c) => ['POST', `/carts/${c.cartId}/items`, { body: [1, 2] }], 400],
      ['no body', (c) => ['POST', `/carts/${c.cartId}/items`, {}], 400],
      [
        'oversized body',
        (c) => ['POST', `/carts/${c.cartId}/items`, { body: { sku: 'A'.repeat(10_000), quantity: 1 } }],
        413,
        'payload-too-large',
      ],
      ['unknown currency', () => ['POST', '/carts', { body: { currency: 'XXX' } }], 400],
      [
        'unknown line id',
        (c) => ['PATCH', `/carts/${c.cartId}/items/0190b8a0-0000-7000-8000-000000000000`, { body: { quantity: 2 } }],
        404,
      ],
      ['malformed line id', (c) => ['DELETE', `/carts/${c.cartId}/items/nope`, {}], 404],
      ['unknown route', () => ['POST', '/nothing-here', { body: {} }], 404],
      [
        'too many in one line',
        (c) => ['POST', `/carts/${c.cartId}/items`, { body: { sku: 'TSHIRT-RED-S', quantity: 99 } }],
        409,
        'quantity-limit',
      ],
    ];
    it.each(cases)('%s', async (_name, make, status, code) => {
      const cart = await newCart();
      await api.request('POST', `/carts/${cart.cartId}/items`, {
        body: { sku: 'TSHIRT-RED-S', quantity: 1 },
        headers: asCart(cart),
      });
      const before = await countEvents(db.pool);
      const [method, path, options] = make(cart);
      const res = await api.request<Problem>(method, path, { ...options, headers: asCart(cart) });
      expect(res.status).toBe(status);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.body).toMatchObject({
        status,
        title: expect.any(String),
        detail: expect.any(String),
        type: expect.stringMatching(/^\/problems\//),
      });
      if (code) expect(res.body.type).toBe(`/problems/${code}`);
      if (status === 400 && code !== 'malformed-json') expect(res.body.errors?.length).toBeGreaterThan(0);
      expect(await countEvents(db.pool)).toBe(before);
    });

    it('a cart that was never created is not found even with a valid token', async () => {
      const { cartToken } = await import('@flowdose/shared/http/cart-token');
      const ghost = '0190b8a0-0000-7000-8000-00000000dead';
      const before = await countEvents(db.pool);
      const res = await api.request('POST', `/carts/${ghost}/items`, {
        body: { sku: 'MUG-WHITE', quantity: 1 },
        headers: { 'X-Cart-Token': cartToken(config.CART_TOKEN_SECRET, ghost) },
      });
      expect(res.status).toBe(404);
      expect(await countEvents(db.pool)).toBe(before);
    });
  });

  describe('Idempotency-Key', () => {
    it('answers a repeated request with the same response and appends nothing new', async () => {
      const first = await api.request<Created>('POST', '/carts', {
        body: { currency: 'EUR' },
        headers: { 'Idempotency-Key': 'open-1' },
      });
      const before = await countEvents(db.pool);
      const second = await api.request<Created>('POST', '/carts', {
        body: { currency: 'EUR' },
        headers: { 'Idempotency-Key': 'open-1' },
      });
      expect(second.status).toBe(201);
      expect(second.body).toEqual(first.body);
      expect(second.headers.get('idempotent-replayed')).toBe('true');
      expect(await countEvents(db.pool)).toBe(before);

      const add = () =>
        api.request('POST', `/carts/${first.body.cartId}/items`, {
          body: { sku: 'MUG-WHITE', quantity: 2 },
          headers: asCart(first.body, { 'Idempotency-Key': 'add-1' }),
        });
      const [a, b] = [await add(), await add()];
      expect(b.body).toEqual(a.body);
      const events = await streamOf(first.body.cartId);
      expect(events.map((e) => e.type)).toEqual(['CartOpened', 'CartItemAdded']);
      expect(events[1]!.metadata.idempotencyKey).toBe('add-1');
    });

    it('keeps a guest key to its client: another guest with the same key opens a cart of its own', async () => {
      // The app trusts its loopback proxy, so the forwarded address is the guest's.
      const open = (address: string) =>
        api.request<Created>('POST', '/carts', {
          body: { currency: 'EUR' },
          headers: { 'Idempotency-Key': 'guest-open', 'X-Forwarded-For': address },
        });
      const first = await open('198.51.100.7');
      const other = await open('198.51.100.8');
      expect([first.status, other.status]).toEqual([201, 201]);
      expect(other.headers.get('idempotent-replayed')).toBeNull();
      expect(other.body.cartId).not.toBe(first.body.cartId);
      expect(other.body.cartToken).not.toBe(first.body.cartToken);
      expect((await streamOf(other.body.cartId)).map((e) => e.type)).toEqual(['CartOpened']);

      const before = await countEvents(db.pool);
      const retried = await open('198.51.100.7');
      expect(retried.headers.get('idempotent-replayed')).toBe('true');
      expect(retried.body).toEqual(first.body);
      expect(await countEvents(db.pool)).toBe(before);
    });

    it('refuses the same key with another body with 422', async () => {
      await api.request('POST', '/carts', { body: { currency: 'EUR' }, headers: { 'Idempotency-Key': 'open-2' } });
      const before = await countEvents(db.pool);
      const res = await api.request<Problem>('POST', '/carts', {
        body: { currency: 'USD' },
        headers: { 'Idempotency-Key': 'open-2' },
      });
      expect(res.status).toBe(422);
      expect(res.body.type).toBe('/problems/idempotency-key-reused');
      expect(await countEvents(db.pool)).toBe(before);
    });

    it('replays a refusal as a refusal', async () => {
      const cart = await newCart();
      const bad = () =>
        api.request('POST', `/carts/${cart.cartId}/items`, {
          body: { sku: 'NO-SUCH', quantity: 1 },
          headers: asCart(cart, { 'Idempotency-Key': 'bad-1' }),
        });
      const [a, b] = [await bad(), await bad()];
      expect([a.status, b.status]).toEqual([400, 400]);
      expect(b.headers.get('content-type')).toContain('application/problem+json');
    });

    it('lets concurrent requests with one key append once', async () => {
      const cart = await newCart();
      const results = await Promise.all(
        Array.from({ length: 8 }, () =>
          api.request('POST', `/carts/${cart.cartId}/items`, {
            body: { sku: 'CAP-BLACK', quantity: 1 },
            headers: asCart(cart, { 'Idempotency-Key': 'race-1' }),
          }),
        ),
      );
      for (const r of results) expect([201, 409]).toContain(r.status);
      expect(results.some((r) => r.status === 201)).toBe(true);
      expect((await streamOf(cart.cartId)).map((e) => e.type)).toEqual(['CartOpened', 'CartItemAdded']);
    });
  });

  it('retries concurrent changes to one cart and loses none', async () => {
    const cart = await newCart();
    const skus = Object.keys(TEST_CATALOG);
    // Like a real client: a 409 concurrency-conflict is retried with the same key.
    const add = async (sku: string) => {
      for (let attempt = 0; ; attempt++) {
        const res = await api.request<Problem>('POST', `/carts/${cart.cartId}/items`, {
          body: { sku, quantity: 1 },
          headers: asCart(cart, { 'Idempotency-Key': `conc-${sku}` }),
        });
        if (res.status !== 409 || attempt === 10) return res;
        expect(res.body.type).toBe('/problems/concurrency-conflict');
      }
    };
    const results = await Promise.all(skus.map(add));
    expect(results.map((r) => r.status)).toEqual(skus.map(() => 201));
    const added = (await streamOf(cart.cartId)).filter((e) => e.type === 'CartItemAdded');
    expect(added.map((e) => e.data.sku).sort()).toEqual([...skus].sort());
  });

  describe('ownership', () => {
    const signUp = async (address: string) =>
      (
        await api.request<{ customerId: string; accessToken: string }>('POST', '/auth/register', {
          body: { email: address, password: 'correct horse battery' },
        })
      ).body;

    it('lets only the customer who opened a cart change it; others get 404 and nothing is appended', async () => {
      const ada = await signUp(`ada-${Date.now()}@example.com`);
      const bob = await signUp(`bob-${Date.now()}@example.com`);
      const opened = await api.request<Created>('POST', '/carts', {
        body: { currency: 'EUR' },
        headers: { Authorization: `Bearer ${ada.accessToken}` },
      });
      const { cartId, cartToken } = opened.body;
      const events = await streamOf(cartId);
      expect(events[0]!.data.customerId).toBe(ada.customerId);
      const add = (headers: Record<string, string>) =>
        api.request('POST', `/carts/${cartId}/items`, { body: { sku: 'MUG-WHITE', quantity: 1 }, headers });

      const before = await countEvents(db.pool);
      expect((await add({ Authorization: `Bearer ${bob.accessToken}` })).status).toBe(404);
      // The token alone does not open a customer's cart.
      expect((await add({ 'X-Cart-Token': cartToken })).status).toBe(404);
      expect((await add({ Authorization: `Bearer ${bob.accessToken}`, 'X-Cart-Token': cartToken })).status).toBe(404);
      expect((await add({})).status).toBe(404);
      expect(await countEvents(db.pool)).toBe(before);
      expect((await add({ Authorization: `Bearer ${ada.accessToken}` })).status).toBe(201);
    });

    it('keeps an Idempotency-Key to the customer who sent it: another with the same key gets a cart of their own', async () => {
      const ada = await signUp(`ada-key-${Date.now()}@example.com`);
      const bob = await signUp(`bob-key-${Date.now()}@example.com`);
      const open = (accessToken: string) =>
        api.request<Created>('POST', '/carts', {
          body: { currency: 'EUR' },
          headers: { Authorization: `Bearer ${accessToken}`, 'Idempotency-Key': 'customer-open' },
        });
      const adas = await open(ada.accessToken);
      const bobs = await open(bob.accessToken);
      expect([adas.status, bobs.status]).toEqual([201, 201]);
      expect(bobs.body.cartId).not.toBe(adas.body.cartId);
      expect((await streamOf(bobs.body.cartId))[0]!.data.customerId).toBe(bob.customerId);
      expect((await open(ada.accessToken)).body).toEqual(adas.body);
    });

    it('keeps a guest cart closed to signed-in strangers without its token', async () => {
      const eve = await signUp(`eve-${Date.now()}@example.com`);
      const guest = await newCart();
      const res = await api.request('POST', `/carts/${guest.cartId}/items`, {
        body: { sku: 'MUG-WHITE', quantity: 1 },
        headers: { Authorization: `Bearer ${eve.accessToken}` },
      });
      expect(res.status).toBe(404);
    });
  });
});
