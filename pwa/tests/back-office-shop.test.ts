/// <reference lib="dom" />
import { argon2idHasher } from '@flowdose/shared/auth/passwords';
import { createStaffUser } from '@flowdose/shared/auth/staff';
import type { StaffRole } from '@flowdose/shared/auth/tokens';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { SCREENSHOTS, startStorefront } from './storefront-stack.ts';

let shop: Awaited<ReturnType<typeof startStorefront>>;
const PASSWORD = 'staff password for the shop test';
const email = (role: StaffRole) => `${role}@back-office.test`;

beforeAll(async () => {
  shop = await startStorefront();
  const hasher = argon2idHasher(4096);
  for (const role of ['ops', 'admin', 'analyst'] as const) {
    await createStaffUser(shop.db.pool, hasher, { email: email(role), password: PASSWORD, role });
  }
}, 180_000);
afterAll(() => shop?.close());

const shot = (page: Page, name: string) => page.screenshot({ path: `${SCREENSHOTS}/${name}.png`, fullPage: true });
const watch = (page: Page) =>
  onTestFailed(async () => {
    const name = (expect.getState().currentTestName ?? 'test').replace(/\W+/g, '-').slice(0, 60);
    await page.screenshot({ path: `${SCREENSHOTS}/failed-${name}.png`, fullPage: true }).catch(() => {});
  });

/** A browser of its own, signed in to the back office as `role`. */
async function staffBrowser(role: StaffRole): Promise<{ context: BrowserContext; page: Page }> {
  const context = await shop.shopper({ width: 1280, height: 900 });
  const page = await context.newPage();
  watch(page);
  await page.goto(`${shop.url}/admin/login`);
  await page.getByLabel('Email').fill(email(role));
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
  return { context, page };
}

/** Confirms the step in its dialog (filling `fields` by label first) and waits for the dialog to close. */
async function step(page: Page, button: string, fields: Record<string, string> = {}, confirm = button) {
  await page.getByRole('button', { name: button, exact: true }).click();
  const dialog = page.getByRole('dialog');
  for (const [label, value] of Object.entries(fields)) await dialog.getByLabel(label).fill(value);
  await dialog.getByRole('button', { name: confirm, exact: true }).click();
}

/** A guest buys one unit of `handle` on the storefront; answers the order id and the shopper's page. */
async function guestBuys(handle: string, variant?: string) {
  const context = await shop.shopper();
  const page = await context.newPage();
  watch(page);
  await page.goto(`${shop.url}/products/${handle}`);
  if (variant) await page.getByLabel(variant, { exact: true }).check();
  await page.getByRole('button', { name: 'Add to cart' }).click();
  await page.getByText('is in your cart').waitFor();
  await page.goto(`${shop.url}/checkout`);
  await page.getByLabel('Email').fill('buyer@example.com');
  await page.getByLabel('Full name').fill('Bea Buyer');
  await page.getByLabel('Address', { exact: true }).fill('3 Market Street');
  await page.getByLabel('City').fill('Lyon');
  await page.getByLabel('Postal code').fill('69001');
  await page.getByLabel(/Card number/).fill('4242424242424242');
  await page.getByRole('button', { name: 'Place order' }).click();
  await page.getByRole('heading', { name: 'Thank you for your order' }).waitFor();
  const orderId = page.url().split('/orders/')[1]!.split('?')[0]!;
  return { orderId, page, context };
}

describe('staff run the shop from the back office', () => {
  it('an admin creates, publishes and restocks a product; a shopper buys it; the admin takes the order to Shipped', async () => {
    const { context, page } = await staffBrowser('admin');
    // The dashboard's figures are there to be read (not white on white).
    const figure = page.getByRole('region', { name: 'Waiting for capture' }).locator('.figure');
    await expect.poll(() => figure.textContent()).toMatch(/^\d+$/);
    expect(await figure.evaluate((e) => getComputedStyle(e).color)).not.toBe('rgb(255, 255, 255)');
    await shot(page, 'admin-dashboard');

    // A product with two variants, priced in two currencies.
    await page.getByRole('link', { name: 'Catalog' }).click();
    await page.getByRole('link', { name: 'New product' }).click();
    await page.getByRole('heading', { name: 'New product' }).waitFor();
    await page.getByLabel('Title', { exact: true }).fill('Linen Apron');
    await page.getByLabel(/^Handle/).fill('linen-apron');
    await page.getByLabel('Category').fill('homeware');
    await page.getByLabel('Description').fill('Washed linen, two sizes.');
    await page.getByLabel('Values (comma-separated)').fill('S, L');
    const rows = page.locator('fieldset.variant');
    await rows.nth(0).getByLabel('SKU').fill('APRON-S');
    await rows.nth(0).getByLabel('Size').fill('S');
    await rows.nth(0).getByLabel('Price in EUR').fill('24.00');
    await rows.nth(0).getByLabel('Price in GBP').fill('21.00');
    await rows.nth(0).getByLabel('Weight (g)').fill('300');
    await page.getByRole('button', { name: 'Add a variant' }).click();
    await rows.nth(1).getByLabel('SKU').fill('APRON-L');
    await rows.nth(1).getByLabel('Size').fill('L');
    await rows.nth(1).getByLabel('Price in EUR').fill('26.00');
    await rows.nth(1).getByLabel('Weight (g)').fill('320');
    await page.getByRole('button', { name: 'Create product' }).click();
    await page.waitForURL(/\/admin\/products\/[0-9a-f-]{36}\?position=/);
    await page.getByRole('heading', { name: /Linen Apron/ }).waitFor();
    await page.getByRole('button', { name: 'Publish' }).click();
    await expect.poll(() => page.locator('h1 .badge').textContent()).toBe('published');
    await shot(page, 'admin-product');

    // Stock for the small one.
    await page.goto(`${shop.url}/admin/inventory/APRON-S`);
    await step(page, 'Restock', { 'Units received': '10' });
    await expect.poll(() => page.locator('[data-field="onHand"]').textContent()).toBe('10');
    await shot(page, 'admin-stock');

    // On the storefront (once projected), and bought by a guest.
    await expect
      .poll(async () => (await fetch(`${shop.queries}/products/linen-apron`)).status, { timeout: 15_000 })
      .toBe(200);
    const buyer = await guestBuys('linen-apron', 'S');

    // The admin takes it from authorized to shipped from the order's page.
    await page.goto(`${shop.url}/admin/orders/${buyer.orderId}`);
    await page.getByRole('heading', { name: /Order/ }).first().waitFor();
    await shot(page, 'admin-order');
    await step(page, 'Capture payment', {}, 'Capture');
    await expect.poll(() => page.locator('h1 .badge').textContent()).toBe('captured');
    await step(page, 'Fulfil');
    await expect.poll(() => page.locator('h1 .badge').textContent()).toBe('fulfilled');
    await step(page, 'Ship', { 'Tracking number': 'APRON-TRACK-1' });
    await expect.poll(() => page.locator('h1 .badge').textContent()).toBe('shipped');
    await page.locator('.audit-timeline').getByText('Shipped, tracking number APRON-TRACK-1').waitFor();

    await buyer.page.reload();
    await expect.poll(() => buyer.page.getByTestId('order-status').textContent()).toBe('Shipped');
    await buyer.context.close();

    for (const [name, path] of [
      ['admin-orders', '/admin/orders'],
      ['admin-catalog', '/admin/products'],
      ['admin-inventory', '/admin/inventory'],
      ['admin-discounts', '/admin/discounts'],
      ['admin-customers', '/admin/customers'],
      ['admin-projections', '/admin/projections'],
    ] as const) {
      await page.goto(shop.url + path, { waitUntil: 'networkidle' });
      await page.locator('main table').first().waitFor();
      await shot(page, name);
    }
    await context.close();
  });

  it('shows each role only what it may do, and the API refuses the rest', async () => {
    const order = await guestBuys('white-enamel-mug');
    await order.context.close();

    // Ops: steps up to delivery, never cancel or refund; no catalog.
    const ops = await staffBrowser('ops');
    expect(await ops.page.getByRole('navigation', { name: 'Back office' }).getByRole('link').allTextContents()).toEqual(
      ['Flowdose back office', 'Dashboard', 'Orders', 'Inventory', 'Projections', 'Queues'],
    );
    await ops.page.goto(`${shop.url}/admin/orders/${order.orderId}`);
    await ops.page.getByRole('button', { name: 'Capture payment' }).waitFor();
    expect(await ops.page.getByRole('button', { name: /Cancel order|Refund/ }).count()).toBe(0);
    await step(ops.page, 'Capture payment', {}, 'Capture');
    await expect.poll(() => ops.page.locator('h1 .badge').textContent()).toBe('captured');
    // Captured money could go back now, but not on an ops member's word.
    expect(await ops.page.getByRole('button', { name: /Refund|Cancel order/ }).count()).toBe(0);
    await step(ops.page, 'Fulfil');
    await expect.poll(() => ops.page.locator('h1 .badge').textContent()).toBe('fulfilled');
    await step(ops.page, 'Ship', { 'Tracking number': 'OPS-TRACK-1' });
    await expect.poll(() => ops.page.locator('h1 .badge').textContent()).toBe('shipped');
    for (const hidden of ['/admin/products', '/admin/discounts', '/admin/customers']) {
      const res = await ops.page.goto(shop.url + hidden);
      expect(res!.status(), hidden).toBe(404);
      await ops.page.getByRole('heading', { name: 'Not found' }).waitFor();
    }
    await ops.context.close();

    // Analyst: reads the order, takes no step; the API refuses one sent anyway.
    const analyst = await staffBrowser('analyst');
    await analyst.page.goto(`${shop.url}/admin/orders/${order.orderId}`);
    await analyst.page.getByText('Your role reads orders; it takes no steps.').waitFor();
    expect(await analyst.page.locator('.actions button').count()).toBe(0);
    const refused = await analyst.page.evaluate(
      (path) =>
        fetch(path, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-flowdose-staff': '1', 'idempotency-key': 'analyst-try' },
          body: '{}',
        }).then((r) => r.status),
      `/admin/api/commands/admin/orders/${order.orderId}/fulfil`,
    );
    expect(refused).toBe(403);
    expect((await analyst.page.goto(`${shop.url}/admin/projections`))!.status()).toBe(404);
    await analyst.context.close();

    // A shopper: a customer's token opens nothing under /admin, and the back office asks them to sign in.
    const customer = (await (
      await fetch(`${shop.commands}/auth/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: `shopper-${Date.now()}@example.com`, password: 'correct horse battery' }),
      })
    ).json()) as { accessToken: string };
    const bearer = { Authorization: `Bearer ${customer.accessToken}` };
    expect((await fetch(`${shop.queries}/admin/orders`, { headers: bearer })).status).toBe(403);
    expect((await fetch(`${shop.url}/admin/api/queries/admin/orders`, { headers: bearer })).status).toBe(401);
    const stranger = await shop.shopper();
    const page = await stranger.newPage();
    await page.goto(`${shop.url}/admin/orders/${order.orderId}`);
    await page.waitForURL(/\/admin\/login\?next=/);
    await stranger.close();
  });

  it('keeps an open order page current when someone else takes a step, and says so', async () => {
    const order = await guestBuys('white-enamel-mug');
    await order.context.close();
    const { context, page } = await staffBrowser('analyst');
    await page.goto(`${shop.url}/admin/orders/${order.orderId}`);
    await page
      .locator('#order [data-testid="order-live"][data-connected="true"]')
      .waitFor({ state: 'attached', timeout: 10_000 });
    expect(await page.locator('h1 .badge').textContent()).toBe('authorized');
    await page.evaluate(() => {
      (window as unknown as { stayed: boolean }).stayed = true;
    });
    // Another member of staff, elsewhere: straight through the command API.
    const res = await fetch(`${shop.commands}/admin/orders/${order.orderId}/capture`, {
      method: 'POST',
      headers: await shop.admin(),
      body: '{}',
    });
    expect(res.status).toBe(200);
    await expect.poll(() => page.locator('h1 .badge').textContent(), { timeout: 30_000 }).toBe('captured');
    expect(await page.getByTestId('order-live').textContent()).toBe('Order captured.');
    expect(await page.locator('#order [data-field="captured"]').textContent()).not.toBe('€0.00');
    // The audit below shows the new event too.
    await page
      .locator('.what', { hasText: /^Captured / })
      .first()
      .waitFor({ timeout: 30_000 });
    expect(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);
    await context.close();
  });

  it('shows the API’s refusal of a refund over the captured amount, and changes nothing', async () => {
    const order = await guestBuys('white-enamel-mug');
    await order.context.close();
    const { context, page } = await staffBrowser('admin');
    await page.goto(`${shop.url}/admin/orders/${order.orderId}`);
    await step(page, 'Capture payment', {}, 'Capture');
    await expect.poll(() => page.locator('h1 .badge').textContent()).toBe('captured');
    await step(page, 'Refund', { 'Amount (EUR)': '9999.00', Reason: 'testing the limit' });
    const alert = page.getByRole('dialog').getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/refund/i);
    await shot(page, 'admin-refund-refused');
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
    expect(await page.locator('#order [data-field="refunded"]').textContent()).toBe('€0.00');
    const events = (await (
      await fetch(`${shop.url}/admin/api/queries/admin/orders/${order.orderId}/events`, {
        headers: { cookie: (await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ') },
      })
    ).json()) as { items: { type: string; related?: boolean }[] };
    expect(events.items.filter((e) => !e.related).map((e) => e.type)).not.toContain('OrderRefunded');
    await context.close();
  });
});
