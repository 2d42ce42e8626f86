import { testConfig } from '@flowdose/shared/config';
import { publishTestCatalog } from '@flowdose/testing/catalog';
import type { TestDatabase } from '@flowdose/testing/db';
import type { TestServer } from '@flowdose/testing/http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack } from '../harness.test-support.ts';

type Cart = {
  cartId: string;
  status: string;
  lines: { lineId: string; sku: string; quantity: number; lineTotal: { amount: number } }[];
  totals: { itemCount: number; subtotal: { amount: number; currency: string } };
};

// Long enough for a loaded CI machine, short enough to test the timeout.
const config = testConfig({ MIN_POSITION_TIMEOUT_MS: '1500' });
let db: TestDatabase;
let commands: TestServer;
let queries: TestServer;
let stop: () => Promise<void>;

beforeAll(async () => {
  ({ db, commands, queries, close: stop } = await startStack(config));
  await publishTestCatalog(commands, config.AUTH_JWT_SECRET, { stock: 1000 });
});
// The dispatcher elects itself and starts listening asynchronously; an append made before
// that is only seen at the next idle poll. Wait until the pipeline answers once.
beforeAll(async () => {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const cart = await cartWithTwoLines();
    const res = await queries.request('GET', `/carts/${cart.cartId}`, {
      headers: { ...cart.headers, 'X-Min-Position': cart.position },
    });
    if (res.status === 200) return;
    if (Date.now() > deadline) throw new Error('the projection pipeline did not start');
  }
});

afterAll(() => stop());

async function cartWithTwoLines() {
  const created = await commands.request<{ cartId: string; cartToken: string; position: string }>('POST', '/carts', {
    body: { currency: 'EUR' },
  });
  const headers = { 'X-Cart-Token': created.body.cartToken };
  await commands.request('POST', `/carts/${created.body.cartId}/items`, {
    body: { sku: 'TSHIRT-RED-M', quantity: 2 },
    headers,
  });
  const last = await commands.request<{ position: string }>('POST', `/carts/${created.body.cartId}/items`, {
    body: { sku: 'MUG-WHITE', quantity: 1 },
    headers,
  });
  return { ...created.body, headers, position: last.body.position };
}

describe('GET /carts/:cartId', () => {
  it('with X-Min-Position shows the writes just made, at once', async () => {
    for (let i = 0; i < 20; i++) {
      const cart = await cartWithTwoLines();
      const res = await queries.request<Cart>('GET', `/carts/${cart.cartId}`, {
        headers: { ...cart.headers, 'X-Min-Position': cart.position },
      });
      expect(res.status).toBe(200);
      expect(res.body.lines.map((l) => [l.sku, l.quantity])).toEqual([
        ['TSHIRT-RED-M', 2],
        ['MUG-WHITE', 1],
      ]);
      expect(res.body.totals).toEqual({ itemCount: 3, subtotal: { amount: 2 * 1999 + 1250, currency: 'EUR' } });
      expect(res.body.status).toBe('open');
    }
  });

  it('answers 304 to a matching ETag', async () => {
    const cart = await cartWithTwoLines();
    const first = await queries.request('GET', `/carts/${cart.cartId}`, {
      headers: { ...cart.headers, 'X-Min-Position': cart.position },
    });
    const etag = first.headers.get('etag');
    expect(etag).toBeTruthy();
    const again = await queries.request('GET', `/carts/${cart.cartId}`, {
      // As a revalidating browser does; fetch would otherwise add Cache-Control: no-cache.
      headers: { ...cart.headers, 'If-None-Match': etag!, 'Cache-Control': 'max-age=0' },
    });
    expect(first.status).toBe(200);
    expect(again.status).toBe(304);
  });

  it('hides the cart without its token', async () => {
    const cart = await cartWithTwoLines();
    expect((await queries.request('GET', `/carts/${cart.cartId}`)).status).toBe(404);
    expect(
      (await queries.request('GET', `/carts/${cart.cartId}`, { headers: { 'X-Cart-Token': 'nope' } })).status,
    ).toBe(404);
    expect((await queries.request('GET', '/carts/not-a-uuid', { headers: cart.headers })).status).toBe(404);
  });

  it('refuses a malformed X-Min-Position and times out with a 503 problem on one never reached', async () => {
    const cart = await cartWithTwoLines();
    const bad = await queries.request('GET', `/carts/${cart.cartId}`, {
      headers: { ...cart.headers, 'X-Min-Position': 'soon' },
    });
    expect(bad.status).toBe(400);
    const started = Date.now();
    const future = await queries.request<{ type: string }>('GET', `/carts/${cart.cartId}`, {
      headers: { ...cart.headers, 'X-Min-Position': '999999999.999999999' },
    });
    expect(future.status).toBe(503);
    expect(future.body.type).toBe('/problems/position-not-reached');
    expect(future.headers.get('retry-after')).toBe('1');
    expect(Date.now() - started).toBeGreaterThanOrEqual(1400);
  });

  it('health reports its dependencies', async () => {
    const res = await queries.request('GET', '/ready');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ok', dependencies: { postgres: 'ok', redis: 'ok' } });
  });

  it('shows a customer their own cart only', async () => {
    const signUp = async (who: string) =>
      (
        await commands.request<{ accessToken: string }>('POST', '/auth/register', {
          body: { email: `${who}-${Date.now()}@example.com`, password: 'correct horse battery' },
        })
      ).body.accessToken;
    const [ada, bob] = [await signUp('ada'), await signUp('bob')];
    const cart = await commands.request<{ cartId: string; cartToken: string; position: string }>('POST', '/carts', {
      body: { currency: 'EUR' },
      headers: { Authorization: `Bearer ${ada}` },
    });
    const read = (headers: Record<string, string>) =>
      queries.request<Cart & { customerId: string }>('GET', `/carts/${cart.body.cartId}`, {
        headers: { 'X-Min-Position': cart.body.position, ...headers },
      });
    const own = await read({ Authorization: `Bearer ${ada}` });
    expect(own.status).toBe(200);
    expect(own.body.customerId).toEqual(expect.any(String));
    expect((await read({ Authorization: `Bearer ${bob}` })).status).toBe(404);
    expect((await read({ 'X-Cart-Token': cart.body.cartToken })).status).toBe(404);
  });

  describe('signing in with a guest cart', () => {
    type Login = { accessToken: string; cartId: string | null; position?: string };
    const password = 'correct horse battery';
    const guestCart = async (lines: [string, number][]) => {
      const cart = await commands.request<{ cartId: string; cartToken: string }>('POST', '/carts', {
        body: { currency: 'EUR' },
      });
      for (const [sku, quantity] of lines) {
        await commands.request('POST', `/carts/${cart.body.cartId}/items`, {
          body: { sku, quantity },
          headers: { 'X-Cart-Token': cart.body.cartToken },
        });
      }
      return cart.body;
    };
    const login = (email: string, guest: { cartId: string; cartToken: string }) =>
      commands.request<Login>('POST', '/auth/login', {
        body: { email, password, guestCartId: guest.cartId },
        headers: { 'X-Cart-Token': guest.cartToken },
      });
    const read = (cartId: string, token: string, position?: string) =>
      queries.request<Cart>('GET', `/carts/${cartId}`, {
        headers: { Authorization: `Bearer ${token}`, ...(position ? { 'X-Min-Position': position } : {}) },
      });

    it('merges the guest lines into the customer cart within the limits, once, and closes the guest cart', async () => {
      const email = `merge-${Date.now()}@example.com`;
      const { accessToken } = (
        await commands.request<{ accessToken: string }>('POST', '/auth/register', { body: { email, password } })
      ).body;
      const own = await commands.request<{ cartId: string }>('POST', '/carts', {
        body: { currency: 'EUR' },
        headers: { Authorization: `Bearer ${accessToken}` },
      });
      const filled = await commands.request<{ position: string }>('POST', `/carts/${own.body.cartId}/items`, {
        body: { sku: 'TSHIRT-RED-M', quantity: 98 },
        headers: { Authorization: `Bearer ${accessToken}` },
      });
      expect((await read(own.body.cartId, accessToken, filled.body.position)).status).toBe(200);

      const guest = await guestCart([
        ['TSHIRT-RED-M', 2],
        ['MUG-WHITE', 1],
      ]);
      const signedIn = await login(email, guest);
      expect(signedIn.status).toBe(200);
      expect(signedIn.body.cartId).toBe(own.body.cartId);
      const merged = await read(own.body.cartId, signedIn.body.accessToken, signedIn.body.position);
      expect(merged.body.lines.map((l) => [l.sku, l.quantity])).toEqual([
        ['TSHIRT-RED-M', 99],
        ['MUG-WHITE', 1],
      ]);
      const closed = await commands.request<{ type: string }>('POST', `/carts/${guest.cartId}/items`, {
        body: { sku: 'CAP-BLACK', quantity: 1 },
        headers: { 'X-Cart-Token': guest.cartToken },
      });
      expect(closed.body.type).toBe('/problems/cart-not-open');

      // Signing in again with the same guest cart merges nothing twice.
      const again = await login(email, guest);
      expect(again.body.cartId).toBeNull();
      const { rows } = await db.pool.query('select count(*)::int as n from events where stream_id = $1', [
        `cart-${own.body.cartId}`,
      ]);
      expect(rows[0].n).toBe(4); // opened, added, and the merge's change and add
    });

    it('claims the guest cart for a customer without one: from then on only they reach it', async () => {
      const email = `claim-${Date.now()}@example.com`;
      await commands.request('POST', '/auth/register', { body: { email, password } });
      const guest = await guestCart([['CAP-BLACK', 2]]);
      const signedIn = await login(email, guest);
      expect(signedIn.body.cartId).toBe(guest.cartId);
      const mine = await read(guest.cartId, signedIn.body.accessToken, signedIn.body.position);
      expect(mine.status).toBe(200);
      expect(mine.body.lines.map((l) => [l.sku, l.quantity])).toEqual([['CAP-BLACK', 2]]);
      const byToken = await queries.request('GET', `/carts/${guest.cartId}`, {
        headers: { 'X-Cart-Token': guest.cartToken },
      });
      expect(byToken.status).toBe(404);
    });

    it('keeps the guest cart of a shopper who signs up', async () => {
      const guest = await guestCart([['MUG-WHITE', 3]]);
      const registered = await commands.request<Login>('POST', '/auth/register', {
        body: { email: `signup-${Date.now()}@example.com`, password, guestCartId: guest.cartId },
        headers: { 'X-Cart-Token': guest.cartToken },
      });
      expect(registered.status).toBe(201);
      expect(registered.body.cartId).toBe(guest.cartId);
      const mine = await read(guest.cartId, registered.body.accessToken, registered.body.position);
      expect(mine.body.lines.map((l) => [l.sku, l.quantity])).toEqual([['MUG-WHITE', 3]]);
    });

    it('ignores a guest cart presented without its token', async () => {
      const email = `notoken-${Date.now()}@example.com`;
      await commands.request('POST', '/auth/register', { body: { email, password } });
      const guest = await guestCart([['CAP-BLACK', 1]]);
      const res = await login(email, { cartId: guest.cartId, cartToken: 'forged' });
      expect(res.status).toBe(200);
      expect(res.body.cartId).toBeNull();
    });
  });
});
