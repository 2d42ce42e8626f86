import { testConfig } from '@flowdose/shared/config';
import { bearerFor } from '@flowdose/testing/auth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCommandApi } from '../harness.test-support.ts';

// The shop's routes are a guest's (by cart token) or a customer's: a staff token there would
// act as a shopper, recorded as staff (an analyst's CartOpened).
const config = testConfig({ COMMANDS_PER_MINUTE: '100000' });
let api: Awaited<ReturnType<typeof startCommandApi>>;
beforeAll(async () => {
  api = await startCommandApi(config);
});
afterAll(() => api.close());

const cartEvents = async () =>
  Number((await api.db.pool.query(`select count(*) from events where stream_id like 'cart-%'`)).rows[0].count);

describe('a staff token on the shopper routes', () => {
  it.each(['analyst', 'ops', 'admin'] as const)('is refused with 403 for %s, and nothing is appended', async (role) => {
    const staff = await bearerFor(config.AUTH_JWT_SECRET, role);
    const before = await cartEvents();
    const opened = await api.api.request('POST', '/carts', { body: { currency: 'EUR' }, headers: staff });
    expect(opened.status, opened.text).toBe(403);
    expect(opened.headers.get('content-type')).toContain('application/problem+json');

    // A guest's cart, reached with its token but also a staff token: refused too.
    const guest = await api.api.request<{ cartId: string; cartToken: string }>('POST', '/carts', {
      body: { currency: 'EUR' },
    });
    expect(guest.status).toBe(201);
    const afterGuest = await cartEvents();
    const add = await api.api.request('POST', `/carts/${guest.body.cartId}/items`, {
      body: { sku: 'ANY', quantity: 1 },
      headers: { ...staff, 'X-Cart-Token': guest.body.cartToken },
    });
    expect(add.status, add.text).toBe(403);
    const checkout = await api.api.request('POST', `/carts/${guest.body.cartId}/checkout`, {
      body: {},
      headers: { ...staff, 'X-Cart-Token': guest.body.cartToken },
    });
    expect(checkout.status, checkout.text).toBe(403);
    expect(afterGuest).toBe(before + 1);
    expect(await cartEvents()).toBe(afterGuest);
  });

  it('leaves customers and guests as they were', async () => {
    const customer = await bearerFor(config.AUTH_JWT_SECRET, 'customer');
    expect((await api.api.request('POST', '/carts', { body: { currency: 'EUR' }, headers: customer })).status).toBe(
      201,
    );
    expect((await api.api.request('POST', '/carts', { body: { currency: 'EUR' } })).status).toBe(201);
  });
});
