import { testConfig } from '@flowdose/shared/config';
import { routesOf } from '@flowdose/shared/http/fuzz.test-support';
import { checkoutDetails } from '@flowdose/testing/checkout';
import { testImage, uploadImage } from '@flowdose/testing/images';
import { answerChecker, expectValidOpenApi31, operationsOf, routeNames } from '@flowdose/testing/openapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.ts';
import { startShop } from '../harness.test-support.ts';

const config = testConfig({ COMMANDS_PER_MINUTE: '100000' });
let shop: Awaited<ReturnType<typeof startShop>>;
let document: Parameters<typeof operationsOf>[0];

beforeAll(async () => {
  shop = await startShop(config);
  const res = await shop.api.request<typeof document>('GET', '/openapi.json');
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('application/json');
  document = res.body;
});
afterAll(() => shop.close());

describe('the command API contract', () => {
  it('is served as a valid OpenAPI 3.1 document', async () => {
    await expectValidOpenApi31(document);
  });

  it('names every route the app serves, and no route it does not serve', () => {
    const served = routeNames(routesOf(buildApp(shop.deps)));
    expect(operationsOf(document).sort()).toEqual([...new Set(served)].sort());
  });

  it('is rendered as a reference page from this server only', async () => {
    const page = await shop.api.request('GET', '/docs');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.text).toContain('spec-url="/openapi.json"');
    // Every script and style comes from this origin: no other host is named.
    expect(page.text).not.toMatch(/https?:\/\//);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const script = await fetch(`${shop.api.url}/docs/redoc.standalone.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toContain('javascript');
    expect((await script.text()).length).toBeGreaterThan(100_000);
  });

  it('describes what the routes answer, refusals included', async () => {
    const check = answerChecker(document);
    const { api, admin } = shop;
    check('GET', '/health', await api.request('GET', '/health'));
    check('GET', '/ready', await api.request('GET', '/ready'));

    await shop.restock('MUG-WHITE', 10);
    const opened = await api.request<{ cartId: string; cartToken: string }>('POST', '/carts', {
      body: { currency: 'EUR' },
    });
    check('POST', '/carts', opened);
    const cart = { 'X-Cart-Token': opened.body.cartToken };
    const added = await api.request<{ lineId: string }>('POST', `/carts/${opened.body.cartId}/items`, {
      body: { sku: 'MUG-WHITE', quantity: 2 },
      headers: cart,
    });
    check('POST', '/carts/:cartId/items', added);
    const changed = await api.request('PATCH', `/carts/${opened.body.cartId}/items/${added.body.lineId}`, {
      body: { quantity: 1 },
      headers: cart,
    });
    check('PATCH', '/carts/:cartId/items/:lineId', changed);
    const placed = await api.request('POST', `/carts/${opened.body.cartId}/checkout`, {
      body: checkoutDetails(),
      headers: cart,
    });
    check('POST', '/carts/:cartId/checkout', placed);
    const refused = await api.request('POST', `/carts/${opened.body.cartId}/items`, {
      body: { sku: 'MUG-WHITE', quantity: 100 },
      headers: cart,
    });
    expect(refused.status).toBe(400);
    check('POST', '/carts/:cartId/items', refused);

    const registered = await api.request<{ refreshToken: string; accessToken: string }>('POST', '/auth/register', {
      body: { email: 'contract@example.com', password: 'correct horse battery' },
    });
    check('POST', '/auth/register', registered);
    check(
      'POST',
      '/auth/login',
      await api.request('POST', '/auth/login', {
        body: { email: 'contract@example.com', password: 'correct horse battery' },
      }),
    );
    check(
      'POST',
      '/auth/refresh',
      await api.request('POST', '/auth/refresh', { body: { refreshToken: registered.body.refreshToken } }),
    );
    check(
      'POST',
      '/auth/logout',
      await api.request('POST', '/auth/logout', {
        headers: { Authorization: `Bearer ${registered.body.accessToken}` },
      }),
    );
    check(
      'POST',
      '/admin/discounts',
      await api.request('POST', '/admin/discounts', {
        headers: admin,
        body: { code: 'CONTRACT10', value: { kind: 'percent', percent: 10 } },
      }),
    );
    const missing = await api.request('POST', '/admin/inventory/NO-SUCH-SKU/restock', {
      headers: admin,
      body: { quantity: 1, reason: 'contract' },
    });
    expect(missing.status).toBe(404);
    check('POST', '/admin/inventory/:sku/restock', missing);

    const product = await api.request<{ productId: string }>('POST', '/admin/products', {
      headers: admin,
      body: {
        title: 'Contract',
        handle: 'contract',
        description: '',
        category: 'test',
        tags: [],
        options: [],
        variants: [{ sku: 'CONTRACT-1', optionValues: {}, prices: { EUR: 100 }, weightGrams: 1 }],
      },
    });
    const images = `/admin/products/${product.body.productId}/images`;
    const uploaded = await uploadImage(api.url, product.body.productId, await testImage({ width: 200, height: 100 }), {
      headers: admin,
      alt: 'Contract',
    });
    expect(uploaded.status, uploaded.text).toBe(201);
    check('POST', '/admin/products/:productId/images', uploaded);
    const notImage = await uploadImage(api.url, product.body.productId, Buffer.from('words'), {
      headers: admin,
      filename: 'cat.jpg',
    });
    expect(notImage.status).toBe(415);
    check('POST', '/admin/products/:productId/images', notImage);
    check(
      'PUT',
      '/admin/products/:productId/images',
      await api.request('PUT', images, {
        headers: admin,
        body: { images: [{ key: uploaded.body.image.key, alt: '' }] },
      }),
    );
  });
});
