import { routesOf } from '@flowdose/shared/http/fuzz.test-support';
import { bearerFor } from '@flowdose/testing/auth';
import { publishTestCatalog } from '@flowdose/testing/catalog';
import { checkoutDetails } from '@flowdose/testing/checkout';
import { testImage, uploadImage } from '@flowdose/testing/images';
import { answerChecker, expectValidOpenApi31, operationsOf, routeNames } from '@flowdose/testing/openapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.ts';
import { shopperWithCart, startStack } from '../harness.test-support.ts';

let stack: Awaited<ReturnType<typeof startStack>>;
let document: Parameters<typeof operationsOf>[0];

beforeAll(async () => {
  stack = await startStack();
  const res = await stack.queries.request<typeof document>('GET', '/openapi.json');
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('application/json');
  document = res.body;
});
afterAll(() => stack.close());

describe('the query API contract', () => {
  it('is served as a valid OpenAPI 3.1 document', async () => {
    await expectValidOpenApi31(document);
  });

  it('names every route the app serves, and no route it does not serve', () => {
    const served = routeNames(routesOf(buildApp(stack.queryDeps)));
    expect(operationsOf(document).sort()).toEqual([...new Set(served)].sort());
  });

  it('is rendered as a reference page from this server only', async () => {
    const page = await stack.queries.request('GET', '/docs');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.text).toContain('spec-url="/openapi.json"');
    expect(page.text).not.toMatch(/https?:\/\//);
  });

  it('describes what the routes answer, refusals included', async () => {
    const check = answerChecker(document);
    const { commands, queries, config } = stack;
    const staff = await bearerFor(config.AUTH_JWT_SECRET, 'admin');
    await publishTestCatalog(commands, config.AUTH_JWT_SECRET, { stock: 10 });
    const {
      customer,
      cart,
      cartAccess: access,
      added,
    } = await shopperWithCart(commands, 'contract@example.com', { sku: 'MUG-WHITE', quantity: 2 });
    const read = { ...access, 'X-Min-Position': added };
    check('GET', '/carts/:cartId', await queries.request('GET', `/carts/${cart.cartId}`, { headers: read }));
    const order = await commands.request<{ orderId: string; position: string }>(
      'POST',
      `/carts/${cart.cartId}/checkout`,
      { body: checkoutDetails(), headers: access },
    );
    expect(order.status, order.text).toBe(201);
    const after = { ...customer, 'X-Min-Position': order.body.position };
    const staffless = { 'X-Min-Position': order.body.position };

    check('GET', '/orders/:orderId', await queries.request('GET', `/orders/${order.body.orderId}`, { headers: after }));
    check('GET', '/me/orders', await queries.request('GET', '/me/orders', { headers: after }));
    // The stream itself never ends, so only its refusal is read whole here (orders-live.test.ts reads streams).
    const notYours = await queries.request('GET', `/orders/${order.body.orderId}/live`, { headers: staffless });
    expect(notYours.status).toBe(404);
    check('GET', '/orders/:orderId/live', notYours);
    const orders = await queries.request('GET', '/admin/orders?limit=1', {
      headers: { ...staff, 'X-Min-Position': order.body.position },
    });
    check('GET', '/admin/orders', orders);
    check('GET', '/admin/projections', await queries.request('GET', '/admin/projections', { headers: staff }));

    const page = await queries.request<{ items: unknown[] }>('GET', '/products?limit=2&sort=price_asc');
    expect(page.body.items.length).toBeGreaterThan(0);
    check('GET', '/products', page);
    check('GET', '/categories', await queries.request('GET', '/categories'));
    check('GET', '/products/:idOrHandle', await queries.request('GET', '/products/mug-white'));
    const unknown = await queries.request('GET', '/products/no-such-product');
    expect(unknown.status).toBe(404);
    check('GET', '/products/:idOrHandle', unknown);
    const bad = await queries.request('GET', '/products?limit=1000');
    expect(bad.status).toBe(400);
    check('GET', '/products', bad);
    check('GET', '/ready', await queries.request('GET', '/ready'));

    const mug = await queries.request<{ productId: string }>('GET', '/products/mug-white');
    const uploaded = await uploadImage(commands.url, mug.body.productId, await testImage({ width: 100, height: 50 }), {
      headers: staff,
    });
    expect(uploaded.status, uploaded.text).toBe(201);
    const original = uploaded.body.image.url!;
    check('GET', '/media/:hash/:file', await queries.request('GET', original));
    const part = await queries.request('GET', original, { headers: { Range: 'bytes=0-9' } });
    expect(part.status).toBe(206);
    check('GET', '/media/:hash/:file', part);
    const notYet = await queries.request('GET', uploaded.body.image.renditions[0]!.url);
    expect(notYet.status).toBe(404);
    check('GET', '/media/:hash/:file', notYet);
    const detail = await queries.request('GET', '/products/mug-white', {
      headers: { 'X-Min-Position': uploaded.body.position },
    });
    check('GET', '/products/:idOrHandle', detail);
  });
});
