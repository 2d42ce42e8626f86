/// <reference lib="dom" />
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { argon2idHasher } from '@flowdose/shared/auth/passwords';
import { createStaffUser } from '@flowdose/shared/auth/staff';
import type { StaffRole } from '@flowdose/shared/auth/tokens';
import { liveSchema } from '@flowdose/shared/read-models';
import { checkoutDetails } from '@flowdose/testing/checkout';
import { SignJWT } from 'jose';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { demoCatalog } from '../../infra/src/seed/demo-catalog.ts';
import { JWT_SECRET, postJson, SCREENSHOTS, startStorefront } from './storefront-stack.ts';

let shop: Awaited<ReturnType<typeof startStorefront>>;
const PASSWORD = 'staff password for the browser test';
const staff = { ops: '', admin: '', analyst: '' } as Record<StaffRole, string>;
const order = { orderId: '', correlationId: '' };

const post = <T = { position: string }>(path: string, body: object, headers: Record<string, string> = {}) =>
  postJson<T>(shop.commands + path, body, headers);

/** A real staff sign-in, as the back office does it. */
const signIn = async (role: StaffRole) => {
  const { accessToken } = await post<{ accessToken: string }>('/admin/auth/login', {
    email: staff[role],
    password: PASSWORD,
  });
  return { Authorization: `Bearer ${accessToken}` };
};

beforeAll(async () => {
  shop = await startStorefront();
  const hasher = argon2idHasher(4096);
  for (const role of ['ops', 'admin', 'analyst'] as const) {
    staff[role] = `${role}@shop.test`;
    await createStaffUser(shop.db.pool, hasher, { email: staff[role], password: PASSWORD, role });
  }
  // A guest's order of two units, captured by ops, partly refunded by an admin, fulfilled
  // and shipped by ops: nine events on the order, each step by a signed-in staff member.
  const sku = demoCatalog(12)[0]!.variants[0]!.sku;
  const cart = await post<{ cartId: string; cartToken: string }>('/carts', { currency: 'EUR' });
  const access = { 'X-Cart-Token': cart.cartToken };
  await post(`/carts/${cart.cartId}/items`, { sku, quantity: 2 }, access);
  const placed = await post<{ orderId: string }>(`/carts/${cart.cartId}/checkout`, checkoutDetails(), {
    ...access,
    'Idempotency-Key': `browser-audit-${cart.cartId}`,
  });
  order.orderId = placed.orderId;
  const [ops, admin] = [await signIn('ops'), await signIn('admin')];
  const step = (action: string, body: object, who: Record<string, string>) =>
    post(`/admin/orders/${order.orderId}/${action}`, body, who);
  await step('capture', {}, ops);
  await step('refund', { amount: 500, reason: 'box arrived dented' }, admin);
  await step('fulfil', {}, ops);
  await step('ship', { trackingNumber: 'TRACK-BROWSER-1' }, ops);
}, 180_000);
afterAll(() => shop?.close());

const failureShot = (page: Page) =>
  onTestFailed(async () => {
    const name = (expect.getState().currentTestName ?? 'test').replace(/\W+/g, '-').slice(0, 60);
    await page.screenshot({ path: `${SCREENSHOTS}/failed-${name}.png`, fullPage: true }).catch(() => {});
  });

const field = (page: Page, name: string) => page.locator(`.fields [data-field="${name}"] .value`);

describe('the back office', () => {
  it('signs staff in, shows an order’s history and its state at any event, and checks it against the read model', async () => {
    const context = await shop.shopper({ width: 1280, height: 900 });
    const page = await context.newPage();
    failureShot(page);

    // Not signed in: the order page sends to the sign-in, which comes back to it.
    await page.goto(`${shop.url}/admin/orders/${order.orderId}`);
    await page.waitForURL(/\/admin\/login\?next=/);
    await page.getByLabel('Email').fill(staff.ops);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.locator('#login-error').textContent()).toContain('do not match');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${shop.url}/admin/orders/${order.orderId}`);

    // The staff session is in httpOnly, Strict cookies for /admin: no script on the page can read it.
    const cookies = await context.cookies();
    expect(cookies.map((c) => [c.name, c.httpOnly, c.secure, c.sameSite, c.path]).sort()).toEqual([
      ['fd_staff_access', true, true, 'Strict', '/admin'],
      ['fd_staff_email', true, true, 'Strict', '/admin'],
      ['fd_staff_refresh', true, true, 'Strict', '/admin'],
    ]);
    const visible = await page.evaluate(async () => ({
      cookie: document.cookie,
      local: Object.keys(localStorage).length + Object.keys(sessionStorage).length,
      databases: (await indexedDB.databases()).map((d) => d.name),
    }));
    expect(visible).toEqual({ cookie: '', local: 0, databases: [] });
    const tokens = cookies.filter((c) => c.name !== 'fd_staff_email').map((c) => c.value);
    expect(tokens.every((t) => t.length > 20)).toBe(true);

    // The timeline: readable lines with who and in what role, related events interleaved.
    const timeline = page.locator('.audit-timeline');
    await timeline.getByText('Shipped, tracking number TRACK-BROWSER-1').waitFor();
    const captured = timeline.locator('li', { hasText: 'Captured' }).first();
    expect(await captured.textContent()).toMatch(/Captured €[\d.]+ by ops@shop\.test/);
    expect(await captured.locator('.badge').textContent()).toBe('staff · ops');
    expect(await timeline.locator('li', { hasText: 'Refunded €5.00' }).first().textContent()).toContain(
      'by admin@shop.test',
    );
    expect(await timeline.locator('li.related', { hasText: /Held 2 × / }).count()).toBe(1);
    expect(await timeline.locator('li.related', { hasText: 'Cart checked out' }).count()).toBe(1);
    await page.getByLabel(/Show related events/).uncheck();
    expect(await timeline.locator('li.related').count()).toBe(0);
    await page.getByLabel(/Show related events/).check();

    // The state at the latest event, then stepping back through the history by keyboard.
    await expect.poll(() => field(page, 'status').textContent()).toBe('shipped');
    expect(await field(page, 'refunded').textContent()).toBe('€5.00');
    const total = await field(page, 'grandTotal').textContent();
    expect(await field(page, 'captured').textContent()).toBe(total);
    await page.locator('.audit-timeline').screenshot({ path: `${SCREENSHOTS}/admin-order-timeline.png` });
    await page.screenshot({ path: `${SCREENSHOTS}/admin-order-audit.png`, fullPage: true });

    const slider = page.getByRole('slider', { name: /order's history/ });
    await slider.focus();
    await page.keyboard.press('ArrowLeft'); // 8: fulfilled
    await expect.poll(() => field(page, 'status').textContent()).toBe('fulfilled');
    await page.getByRole('button', { name: 'Previous' }).click(); // 7: the fulfilment asked for
    await page.getByRole('button', { name: 'Previous' }).click(); // 6: refunded
    await expect.poll(() => page.locator('.at').textContent()).toContain('After event 6 of 9: Refunded €5.00');
    expect(await field(page, 'status').textContent()).toBe('captured');
    // The refund moved the amount and ended the step it belonged to: both are highlighted.
    const changed = page.locator('.fields .changed');
    expect(await changed.evaluateAll((els) => els.map((e) => e.getAttribute('data-field')))).toEqual([
      'refunded',
      'pending',
    ]);
    await page.getByRole('button', { name: 'Previous' }).click(); // 5: the refund asked for
    await page.getByRole('button', { name: 'Previous' }).click(); // 4: captured
    await expect.poll(() => page.locator('.at').textContent()).toContain('After event 4 of 9: Captured');
    expect(await field(page, 'refunded').textContent()).toBe('€0.00');
    expect(await field(page, 'captured').textContent()).toBe(total);
    await slider.focus();
    await page.keyboard.press('Home'); // 1: placed
    await expect.poll(() => field(page, 'status').textContent()).toBe('placed');
    expect(await field(page, 'captured').textContent()).toBe('€0.00');
    // A line of the timeline is a step too.
    await timeline.getByRole('button', { name: /Fulfilled/ }).click();
    await expect.poll(() => field(page, 'status').textContent()).toBe('fulfilled');
    expect(await timeline.locator('li[aria-current="step"]').textContent()).toContain('Fulfilled');

    // The replay: consistent, then a deliberately corrupted row is reported field by field.
    await page.getByRole('button', { name: 'Check against read model' }).click();
    await expect.poll(() => page.locator('.replay').textContent()).toContain('Consistent');
    await shop.db.pool.query(`update ${liveSchema('orders')}.orders set refunded = 0 where order_id = $1`, [
      order.orderId,
    ]);
    await page.getByRole('button', { name: 'Check against read model' }).click();
    await expect.poll(() => page.locator('.replay').textContent()).toContain('differs');
    expect(await page.locator('.replay tbody tr').first().textContent()).toBe('refunded5000');

    // The checkout's request, across every stream it touched.
    order.correlationId = (await timeline.locator('li').first().locator('a').first().getAttribute('href'))!
      .split('/')
      .pop()!;
    await timeline.locator('li').first().locator('a').first().click();
    await page.waitForURL(/\/admin\/correlations\//);
    const fanOut = page.locator('.audit-timeline');
    await fanOut.getByText('Cart checked out and closed').waitFor();
    const lines = await fanOut.locator('li').allTextContents();
    expect(lines.some((l) => /Held 2 × /.test(l))).toBe(true);
    expect(lines.some((l) => l.includes('Checkout: asked the payment provider for'))).toBe(true);
    expect(lines.some((l) => l.includes('Placed: 2 items'))).toBe(true);
    await page.screenshot({ path: `${SCREENSHOTS}/admin-correlation.png`, fullPage: true });

    // A change sent with the session's cookies but not from the back office's own code is
    // refused: a script's request without the back office's header, and a cross-site form.
    const cancel = `/admin/api/commands/admin/orders/${order.orderId}/cancel`;
    const scripted = await page.evaluate(
      (path) =>
        fetch(path, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{"reason":"csrf"}',
        }).then((r) => r.status),
      cancel,
    );
    expect(scripted).toBe(403);
    const attacker = await context.newPage();
    await attacker.goto('about:blank');
    const [posted] = await Promise.all([
      attacker.waitForResponse((r) => r.url().endsWith('/cancel')),
      attacker.setContent(
        `<form method="post" action="${shop.url}${cancel}" enctype="text/plain"><input name='{"reason":"csrf","x":"' value='"}'></form><script>document.forms[0].submit()</script>`,
      ),
    ]);
    expect([401, 403]).toContain(posted.status());
    await attacker.close();
    const status = await fetch(`${shop.queries}/admin/orders/${order.orderId}/state`, {
      headers: await signIn('analyst'),
    }).then((r) => r.json() as Promise<{ state: { status: string } }>);
    expect(status.state.status).toBe('shipped');

    // The access token stops working (it expired): requests sent at once refresh it once
    // between them (a refresh token spent twice would end the session), and the session
    // goes on with the new tokens.
    const [access] = (await context.cookies()).filter((c) => c.name === 'fd_staff_access');
    await context.addCookies([{ ...access!, value: 'expired' }]);
    const together = await page.evaluate(() =>
      Promise.all([1, 2, 3, 4].map(() => fetch('/admin/api/queries/admin/orders?limit=1').then((r) => r.status))),
    );
    expect(together).toEqual([200, 200, 200, 200]);
    const renewed = (await context.cookies()).find((c) => c.name === 'fd_staff_access')!.value;
    expect(renewed).not.toBe('expired');
    expect(await page.evaluate(() => fetch('/admin/api/queries/admin/orders?limit=1').then((r) => r.status))).toBe(200);

    // An access token five minutes old is renewed with the next request, so the API's idle
    // bound (from the last refresh) follows the staff member's work.
    const held = await context.cookies();
    const current = held.find((c) => c.name === 'fd_staff_access')!;
    const refreshBefore = held.find((c) => c.name === 'fd_staff_refresh')!.value;
    const claims = JSON.parse(Buffer.from(current.value.split('.')[1]!, 'base64url').toString()) as {
      sub: string;
      role: string;
      sid: string;
    };
    const now = Math.floor(Date.now() / 1000);
    const aged = await new SignJWT({ role: claims.role, sid: claims.sid })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(claims.sub)
      .setIssuer('flowdose')
      .setAudience('flowdose-api')
      .setIssuedAt(now - 6 * 60)
      .setExpirationTime(now + 5 * 60)
      .sign(new TextEncoder().encode(JWT_SECRET));
    await context.addCookies([{ ...current, value: aged }]);
    expect(await page.evaluate(() => fetch('/admin/api/queries/admin/orders?limit=1').then((r) => r.status))).toBe(200);
    const after = await context.cookies();
    expect(after.find((c) => c.name === 'fd_staff_refresh')!.value).not.toBe(refreshBefore);
    expect(after.find((c) => c.name === 'fd_staff_access')!.value).not.toBe(aged);

    // The queue dashboard (bull-board, forwarded from the query API) is in the bar for ops.
    // Its scripts run under the path's own policy: the only thing it refuses is the Google font.
    const refused: string[] = [];
    page.on('console', (m) => {
      if (m.text().includes('Content Security Policy')) refused.push(m.text());
    });
    await page.getByRole('navigation', { name: 'Back office' }).getByRole('link', { name: 'Queues' }).click();
    await page.waitForURL(`${shop.url}/admin/queues`);
    await page.getByText('projection-orders').first().waitFor();
    await page.getByText('media-renditions').first().waitFor();
    expect(refused.filter((m) => !m.includes('fonts.googleapis.com'))).toEqual([]);
    await page.screenshot({ path: `${SCREENSHOTS}/admin-queues.png` });
    await page.goBack();

    // Signing out ends the session: the page asks to sign in again.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/admin\/login/);
    expect(await context.cookies()).toEqual([]);
    await page.goto(`${shop.url}/admin/orders/${order.orderId}`);
    await page.waitForURL(/\/admin\/login\?next=/);
    await context.close();
  });

  it('works on a tablet: nothing scrolls sideways', async () => {
    const context = await shop.shopper({ width: 768, height: 1024 });
    const page = await context.newPage();
    failureShot(page);
    await page.goto(`${shop.url}/admin/login?next=/admin/orders/${order.orderId}`);
    await page.getByLabel('Email').fill(staff.analyst);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('.audit-timeline').getByText('Shipped').first().waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    // The queue dashboard is for ops and admins: for an analyst it is not there, page or data.
    expect(await page.getByRole('link', { name: 'Queues' }).count()).toBe(0);
    expect(await page.evaluate(() => fetch('/admin/queues/api/queues').then((r) => r.status))).toBe(404);
    expect((await page.goto(`${shop.url}/admin/queues`))?.status()).toBe(404);
    await context.close();
  });

  it('sends shoppers not one byte of the back office, not even to their service worker', async () => {
    const marker = 'Check against read model';
    const context = await shop.shopper();
    const page = await context.newPage();
    const assets: string[] = [];
    page.on('response', (res) => {
      if (/\.(js|css)(\?|$)/.test(res.url())) assets.push(res.url());
    });
    for (const path of ['/', '/products', '/cart']) await page.goto(shop.url + path, { waitUntil: 'networkidle' });
    // Signed out, the queue dashboard is not there either: it has no sign-in page of its own.
    expect((await fetch(`${shop.url}/admin/queues`)).status).toBe(404);
    // Everything the service worker would keep for offline use, as the built worker lists it.
    const sw = await readFile(fileURLToPath(new URL('../public/sw.js', import.meta.url)), 'utf8');
    const precached = [...sw.matchAll(/'url':'([^']+\.(?:js|css))'/g)].map((m) => shop.url + m[1]);
    expect(precached.length).toBeGreaterThan(5);
    for (const url of new Set([...assets, ...precached])) {
      expect(url).not.toContain('/admin');
      expect(await (await fetch(url)).text(), url).not.toContain(marker);
    }
    // The marker is there to be found: the back office's own page does carry it.
    const admin = await context.newPage();
    const adminAssets: string[] = [];
    admin.on('response', (res) => {
      if (res.url().endsWith('.js')) adminAssets.push(res.url());
    });
    await admin.goto(`${shop.url}/admin/orders/${order.orderId}`, { waitUntil: 'networkidle' });
    const bodies = await Promise.all(adminAssets.map(async (url) => (await fetch(url)).text()));
    expect(bodies.some((b) => b.includes(marker))).toBe(true);
    await context.close();
  });
});
