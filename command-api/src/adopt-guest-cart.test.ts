import { randomUUID } from 'node:crypto';
import { cartDecider } from '@flowdose/domain/cart/decider';
import { cartStream } from '@flowdose/domain/cart/events';
import { cartsProjection } from '@flowdose/projections/read-models/carts/projection';
import { catchUp } from '@flowdose/projections/run-range';
import { createSchema } from '@flowdose/projections/schema';
import { testConfig } from '@flowdose/shared/config';
import { parsePosition } from '@flowdose/shared/event-store/position';
import { readableAt } from '@flowdose/shared/event-store/readable';
import { liveSchema } from '@flowdose/shared/read-models';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handle, systemContext } from './handle-command.ts';
import { startShop } from './harness.test-support.ts';

let shop: Awaited<ReturnType<typeof startShop>>;
beforeAll(async () => {
  shop = await startShop(testConfig());
});
afterAll(() => shop.close());

describe('adopting a guest cart at login', () => {
  it('claims the guest cart when the open cart the carts read model lists was closed since', async () => {
    const { api, store, db, cartWith, stream, restock } = shop;
    await restock('MUG-WHITE', 1);
    await restock('CAP-BLACK', 2);
    const email = `lagging-${Date.now()}@example.com`;
    const password = 'correct horse battery';
    const { accessToken } = (
      await api.request<{ accessToken: string }>('POST', '/auth/register', { body: { email, password } })
    ).body;
    const bearer = { Authorization: `Bearer ${accessToken}` };
    const own = (
      await api.request<{ cartId: string }>('POST', '/carts', { body: { currency: 'EUR' }, headers: bearer })
    ).body;
    const added = await api.request<{ position: string }>('POST', `/carts/${own.cartId}/items`, {
      body: { sku: 'MUG-WHITE', quantity: 1 },
      headers: bearer,
    });
    const seen = parsePosition(added.body.position)!;
    await readableAt(store, seen);
    await createSchema(db.pool, cartsProjection, liveSchema('carts'));
    await catchUp(db.pool, store, cartsProjection, liveSchema('carts'), seen);
    // Checked out after the read model was built: it still lists the cart as open.
    await handle(
      store,
      cartDecider,
      cartStream(own.cartId),
      { type: 'CheckOutCart', data: { cartId: own.cartId, orderId: randomUUID() } },
      systemContext('test'),
    );

    const guest = await cartWith([['CAP-BLACK', 2]]);
    const login = await api.request<{ cartId: string }>('POST', '/auth/login', {
      body: { email, password, guestCartId: guest.cartId },
      headers: { 'X-Cart-Token': guest.cartToken },
    });
    expect(login.status).toBe(200);
    expect(login.body.cartId).toBe(guest.cartId);
    expect((await stream(cartStream(guest.cartId))).map((e) => e.type)).toEqual([
      'CartOpened',
      'CartItemAdded',
      'CartClaimed',
    ]);
    expect((await stream(cartStream(own.cartId))).at(-1)?.type).toBe('CartCheckedOut');
  });
});
