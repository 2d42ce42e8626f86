/// <reference lib="dom" />
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { AbandonmentReport, FunnelReport } from '@flowdose/contract/query-api';
import { argon2idHasher } from '@flowdose/shared/auth/passwords';
import { createStaffUser } from '@flowdose/shared/auth/staff';
import type { StaffRole } from '@flowdose/shared/auth/tokens';
import { checkoutDetails } from '@flowdose/testing/checkout';
import { until } from '@flowdose/testing/process';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { formatMoney } from '../lib/format.ts';
import { postJson, SCREENSHOTS, startStorefront } from './storefront-stack.ts';

let shop: Awaited<ReturnType<typeof startStorefront>>;
const PASSWORD = 'staff password for the analytics test';
const email = (role: StaffRole) => `${role}@analytics.test`;
/** What the charting library's code always carries (a class name visx gives its lines). */
const CHART_MARKER = 'visx-linepath';

type Order = { orderId: string; currency: 'EUR' | 'USD'; grandTotal: number };
const orders: Order[] = [];

const post = <T = { position: string }>(path: string, body: object, headers: Record<string, string> = {}) =>
  postJson<T>(shop.commands + path, body, headers);

const signIn = async (role: StaffRole) => {
  const { accessToken } = await post<{ accessToken: string }>('/admin/auth/login', {
    email: email(role),
    password: PASSWORD,
  });
  return { Authorization: `Bearer ${accessToken}` };
};

/** A guest's order of `lines` in `currency`, through the command API as the storefront sends it. */
async function buy(currency: 'EUR' | 'USD', lines: [sku: string, quantity: number][]) {
  const cart = await post<{ cartId: string; cartToken: string }>('/carts', { currency });
  const access = { 'X-Cart-Token': cart.cartToken };
  for (const [sku, quantity] of lines) await post(`/carts/${cart.cartId}/items`, { sku, quantity }, access);
  const placed = await post<{ orderId: string }>(`/carts/${cart.cartId}/checkout`, checkoutDetails(), {
    ...access,
    'Idempotency-Key': `analytics-${cart.cartId}`,
  });
  return placed.orderId;
}

beforeAll(async () => {
  shop = await startStorefront();
  const hasher = argon2idHasher(4096);
  for (const role of ['ops', 'admin', 'analyst'] as const) {
    await createStaffUser(shop.db.pool, hasher, { email: email(role), password: PASSWORD, role });
  }
  // Three orders in euros (the mug sells best: four of them), one in dollars, and a refund.
  const placed = [
    await buy('EUR', [['MUG-WHITE', 3]]),
    await buy('EUR', [['CAP-BLACK', 1]]),
    await buy('EUR', [['MUG-WHITE', 1]]),
    await buy('USD', [['TOTE-NATURAL', 2]]),
  ];
  const admin = await signIn('admin');
  await post(`/admin/orders/${placed[0]}/capture`, {}, admin);
  await post(`/admin/orders/${placed[0]}/refund`, { amount: 500, reason: 'one mug chipped' }, admin);
  const analyst = await signIn('analyst');
  // Each read model catches up on its own: wait until the orders list has all four.
  await until(
    async () => {
      const list = (await (await fetch(`${shop.queries}/admin/orders?limit=100`, { headers: analyst })).json()) as {
        items: Order[];
      };
      orders.splice(0, orders.length, ...list.items.filter((o) => placed.includes(o.orderId)));
      return orders.length === 4;
    },
    20_000,
    'the orders list has every order',
  );
  // The reports read their own read models: wait until they have every order and the refund.
  const today = new Date().toISOString().slice(0, 10);
  await until(
    async () => {
      const res = await fetch(`${shop.queries}/admin/analytics/sales?from=${today}&to=${today}`, { headers: analyst });
      const { items } = (await res.json()) as { items: { orders: number; refunds: number }[] };
      return items.reduce((n, b) => n + b.orders, 0) === 4 && items.reduce((n, b) => n + b.refunds, 0) === 500;
    },
    20_000,
    'the sales report has every order and the refund',
  );
}, 180_000);
afterAll(() => shop?.close());

const watch = (page: Page) =>
  onTestFailed(async () => {
    const name = (expect.getState().currentTestName ?? 'test').replace(/\W+/g, '-').slice(0, 60);
    await page.screenshot({ path: `${SCREENSHOTS}/failed-${name}.png`, fullPage: true }).catch(() => {});
  });

declare global {
  interface Window {
    violations: { directive: string; blocked: string }[];
  }
}

/** A browser of its own, signed in as `role`, that records every Content-Security-Policy violation. */
async function staffBrowser(
  role: StaffRole,
  viewport = { width: 1280, height: 900 },
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await shop.shopper(viewport);
  await context.addInitScript(() => {
    window.violations = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      window.violations.push({ directive: e.effectiveDirective, blocked: e.blockedURI }),
    );
  });
  const page = await context.newPage();
  watch(page);
  await page.goto(`${shop.url}/admin/login`);
  await page.getByLabel('Email').fill(email(role));
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
  return { context, page };
}

const money = (amount: number, currency: string) => formatMoney({ amount, currency: currency as 'EUR' });

/** The rows of a report's table: the period's day (its datetime) or header, then each cell's text. */
const tableRows = (page: Page, report: string) =>
  page
    .locator(`[data-report="${report}"] table tbody tr`)
    .evaluateAll((rows) =>
      rows.map((row) =>
        Array.from(row.children, (cell) => cell.querySelector('time')?.getAttribute('datetime') ?? cell.textContent),
      ),
    );

/** RFC 4180 as the query API writes it (no field here holds a quote, comma or line break). */
const parseCsv = (text: string) =>
  text
    .split('\r\n')
    .filter(Boolean)
    .map((line) => line.split(','));

describe('the analytics page', () => {
  it('draws sales, best sellers, the funnel and abandoned carts for a range, and saves them as CSV', async () => {
    const { context, page } = await staffBrowser('analyst');
    await page.getByRole('navigation', { name: 'Back office' }).getByRole('link', { name: 'Analytics' }).click();
    await page.getByRole('heading', { name: 'Analytics' }).waitFor();
    const sales = page.getByRole('region', { name: 'Sales over time' });
    const chart = sales.getByRole('img', { name: /Line chart of gross and net sales per day in EUR/ });
    await chart.waitFor();

    // The last 30 days, per day, in euros: every order is today's.
    const to = await page.getByLabel('To', { exact: true }).inputValue();
    const from = await page.getByLabel('From', { exact: true }).inputValue();
    expect(Date.parse(to) - Date.parse(from)).toBe(29 * 86_400_000);
    expect(await page.getByRole('button', { name: 'Last 30 days' }).getAttribute('aria-pressed')).toBe('true');
    const eur = orders.filter((o) => o.currency === 'EUR');
    const gross = eur.reduce((n, o) => n + o.grandTotal, 0);
    expect(await tableRows(page, 'sales')).toEqual([
      [to, '3', money(gross, 'EUR'), money(500, 'EUR'), money(0, 'EUR'), money(gross - 500, 'EUR')],
    ]);
    expect(await sales.locator('.analytics-totals').textContent()).toBe(
      `Orders3Gross${money(gross, 'EUR')}Net${money(gross - 500, 'EUR')}`,
    );
    // One point per day of the range on each line; today's carries the figures.
    expect(await chart.locator('.series-gross .dot').count()).toBe(30);
    expect(await chart.locator('.series-gross .dot').last().locator('title').textContent()).toBe(
      `${await page.locator('[data-report="sales"] tbody time').textContent()}: gross ${money(gross, 'EUR')}, net ${money(gross - 500, 'EUR')}`,
    );

    // The table is read out all along; the button shows it too.
    const table = sales.getByRole('table');
    expect((await table.boundingBox())!.width).toBeLessThan(2);
    await sales.getByRole('button', { name: 'Show table of the sales' }).click();
    expect((await table.boundingBox())!.width).toBeGreaterThan(200);
    expect(await sales.getByRole('button', { name: 'Show table of the sales' }).getAttribute('aria-pressed')).toBe(
      'true',
    );

    // The best seller first: four mugs before one cap.
    const products = page.getByRole('region', { name: 'Top products' });
    await products.getByRole('img', { name: /Bar chart of the 2 best-selling variants/ }).waitFor();
    const ranked = await tableRows(page, 'products');
    expect(ranked.map((r) => [r[1], r[2]])).toEqual([
      ['MUG-WHITE', '4'],
      ['CAP-BLACK', '1'],
    ]);
    expect(ranked[0]![3]).toBe(money(5000, 'EUR'));
    expect(await products.locator('svg .bar').count()).toBe(2);
    expect(await products.locator('svg .series > g').first().locator('title').textContent()).toMatch(
      /\(MUG-WHITE\): €50\.00 from 4 sold$/,
    );
    const [mugBar, capBar] = await products
      .locator('svg .bar')
      .evaluateAll((bars) => bars.map((b) => Number(b.getAttribute('width'))));
    expect(mugBar! / capBar!).toBeCloseTo(5000 / 2400, 1);

    // The funnel and the abandoned carts, drawn from the query API's answers.
    for (const [region, drawn] of [
      ['Checkout funnel', /Funnel from \d+ carts opened/],
      ['Abandoned carts', /Column chart of abandoned carts/],
    ] as const) {
      await page.getByRole('region', { name: region }).getByRole('img', { name: drawn }).first().waitFor();
    }
    await page.screenshot({ path: `${SCREENSHOTS}/admin-analytics.png`, fullPage: true });

    // The CSV: the same query through the back office, saved under the range's name, row for row the table.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      sales.getByRole('button', { name: 'Download CSV of the sales' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`sales-${from}-${to}-EUR.csv`);
    const [header, ...rows] = parseCsv(await readFile((await download.path())!, 'utf8'));
    const at = (name: string) => header!.indexOf(name);
    expect(header).toContain('averageOrderValue');
    expect(rows.map((r) => [r[at('period')], r[at('currency')]])).toEqual([[to, 'EUR']]);
    expect(
      rows.map((r) => [
        r[at('period')],
        r[at('orders')],
        ...['gross', 'refunds', 'canceled', 'net'].map((k) => money(Number(r[at(k)]), 'EUR')),
      ]),
    ).toEqual(await tableRows(page, 'sales'));
    const [productsCsv] = await Promise.all([
      page.waitForEvent('download'),
      products.getByRole('button', { name: 'Download CSV of the top products' }).click(),
    ]);
    expect(productsCsv.suggestedFilename()).toBe(`products-${from}-${to}-EUR.csv`);
    const [productHeader, ...productRows] = parseCsv(await readFile((await productsCsv.path())!, 'utf8'));
    expect(productRows.map((r) => r[productHeader!.indexOf('sku')])).toEqual(['MUG-WHITE', 'CAP-BLACK']);

    // Dollars: the address says so, and the figures are the dollar order's alone.
    await page.getByLabel('Currency', { exact: true }).selectOption('USD');
    await page.getByRole('button', { name: 'Show', exact: true }).click();
    await page.waitForURL(/currency=USD/);
    await sales.getByRole('img', { name: /in USD/ }).waitFor();
    const usd = orders.find((o) => o.currency === 'USD')!;
    await expect
      .poll(() => tableRows(page, 'sales'))
      .toEqual([
        [to, '1', money(usd.grandTotal, 'USD'), money(0, 'USD'), money(0, 'USD'), money(usd.grandTotal, 'USD')],
      ]);
    await expect.poll(async () => (await tableRows(page, 'products')).map((r) => r[1])).toEqual(['TOTE-NATURAL']);

    // Per month, and by category: the address keeps both, so a reload shows the same.
    await page.getByLabel('Per', { exact: true }).selectOption('month');
    await page.getByRole('button', { name: 'Show', exact: true }).click();
    await page.waitForURL(/granularity=month/);
    await products.getByLabel('By', { exact: true }).selectOption('category');
    await page.waitForURL(/by=category/);
    await page.reload();
    await sales.getByRole('img', { name: /per month in USD/ }).waitFor();
    await expect
      .poll(() => tableRows(page, 'sales'))
      .toEqual([
        [
          `${to.slice(0, 7)}-01`,
          '1',
          money(usd.grandTotal, 'USD'),
          money(0, 'USD'),
          money(0, 'USD'),
          money(usd.grandTotal, 'USD'),
        ],
      ]);
    expect(await page.locator('[data-report="sales"] tbody th').textContent()).toMatch(/^[A-Z][a-z]+ \d{4}$/);
    await expect.poll(async () => (await tableRows(page, 'products')).map((r) => r[0])).toEqual(['accessories']);

    // A preset changes the range and the address; a range with no sales says so.
    const weekAgo = new Date(Date.parse(to) - 6 * 86_400_000).toISOString().slice(0, 10);
    await page.getByRole('button', { name: 'Last 7 days' }).click();
    await page.waitForURL(new RegExp(`from=${weekAgo}&to=${to}&granularity=month&currency=USD&by=category`));
    expect(await page.getByRole('button', { name: 'Last 7 days' }).getAttribute('aria-pressed')).toBe('true');
    await page.getByLabel('From', { exact: true }).fill('2020-01-01');
    await page.getByLabel('To', { exact: true }).fill('2020-01-31');
    await page.getByRole('button', { name: 'Show', exact: true }).click();
    await page.waitForURL(/from=2020-01-01&to=2020-01-31/);
    await sales.getByText('No sales in USD from 1 Jan 2020 to 31 Jan 2020.').waitFor();
    await products.getByText('Nothing sold in USD from 1 Jan 2020 to 31 Jan 2020.').waitFor();
    // A range the API would refuse is not sent.
    await page.getByLabel('From', { exact: true }).fill('2020-02-01');
    await page.getByRole('button', { name: 'Show', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: 'The first day is after the last.' }).waitFor();
    expect(page.url()).toContain('from=2020-01-01');

    expect(await page.evaluate(() => window.violations)).toEqual([]);
    await context.close();
  });

  it('draws the funnel and abandoned carts from answers of the contract’s shape', async () => {
    // Their routes come with the read models another branch adds: answers of the contract's
    // shape stand in for them here, given to the page as the query API would.
    const funnel: FunnelReport = {
      items: [
        {
          period: '2025-12-29',
          cartsOpened: 40,
          cartsWithItems: 30,
          checkoutsStarted: 12,
          ordersPlaced: 10,
          ordersPaid: 9,
        },
        {
          period: '2026-01-05',
          cartsOpened: 60,
          cartsWithItems: 45,
          checkoutsStarted: 20,
          ordersPlaced: 15,
          ordersPaid: 15,
        },
      ].map((b) => ({
        ...b,
        currency: 'EUR' as const,
        toItems: b.cartsWithItems / b.cartsOpened,
        toCheckout: b.checkoutsStarted / b.cartsWithItems,
        toOrder: b.ordersPlaced / b.checkoutsStarted,
        toPaid: b.ordersPaid / b.ordersPlaced,
        overall: b.ordersPaid / b.cartsOpened,
      })),
    };
    const abandonment: AbandonmentReport = {
      items: [
        {
          period: '2025-12-29',
          currency: 'EUR',
          cartsWithItems: 30,
          abandonedCarts: 12,
          abandonedValue: 45_000,
          abandonmentRate: 0.4,
        },
        {
          period: '2026-01-12',
          currency: 'EUR',
          cartsWithItems: 20,
          abandonedCarts: 5,
          abandonedValue: 9_950,
          abandonmentRate: 0.25,
        },
      ],
    };
    const { context, page } = await staffBrowser('admin');
    const asked: string[] = [];
    for (const [report, answer] of [
      ['funnel', funnel],
      ['abandonment', abandonment],
    ] as const) {
      await page.route(`**/admin/api/queries/admin/analytics/${report}?*`, (route) => {
        asked.push(route.request().url());
        return route.fulfill({ json: answer, headers: { 'cache-control': 'no-store' } });
      });
    }
    await page.goto(
      `${shop.url}/admin/analytics?from=2026-01-01&to=2026-01-31&granularity=week&currency=EUR&by=variant`,
    );

    const steps = page.getByRole('region', { name: 'Checkout funnel' });
    await steps
      .getByRole('img', { name: 'Funnel from 100 carts opened to 24 paid (24%); the figures are in the table below.' })
      .waitFor();
    expect(await tableRows(page, 'funnel')).toEqual([
      ['Carts opened', '100', '—'],
      ['Held an item', '75', '75%'],
      ['Checkout started', '32', '42.7%'],
      ['Order placed', '25', '78.1%'],
      ['Paid', '24', '96%'],
    ]);
    expect(await steps.locator('svg .bar').count()).toBe(5);
    expect(await steps.locator('svg text.value').allTextContents()).toContain('75 · 75% of the step before');

    const carts = page.getByRole('region', { name: 'Abandoned carts' });
    await carts.getByRole('img', { name: /Column chart of abandoned carts per week/ }).waitFor();
    expect(await tableRows(page, 'abandonment')).toEqual([
      ['2025-12-29', '30', '12', '40%', money(45_000, 'EUR')],
      ['2026-01-12', '20', '5', '25%', money(9_950, 'EUR')],
    ]);
    // Five weeks of columns, from the Monday before the 1st; the weeks without carts are drawn at zero.
    const heights = await carts
      .locator('.series-abandoned .bar')
      .evaluateAll((bars) => bars.map((b) => Number(b.getAttribute('height'))));
    expect(heights).toHaveLength(5);
    expect(heights[0]! / heights[2]!).toBeCloseTo(12 / 5, 1);
    expect([heights[1], heights[3], heights[4]]).toEqual([0, 0, 0]);
    expect(await carts.locator('.analytics-totals, p.muted').first().textContent()).toContain(
      `17 of 50 carts with items abandoned (34%), holding ${money(54_950, 'EUR')}`,
    );
    // Each asked with the page's range, in one currency.
    for (const url of asked) {
      const query = new URL(url).searchParams;
      expect(Object.fromEntries(query)).toEqual({
        from: '2026-01-01',
        to: '2026-01-31',
        currency: 'EUR',
        granularity: 'week',
        limit: '5000',
      });
    }
    await page.screenshot({ path: `${SCREENSHOTS}/admin-analytics-funnel.png`, fullPage: true });
    expect(await page.evaluate(() => window.violations)).toEqual([]);
    await context.close();
  });

  it('fits a tablet: panels one under the other, nothing scrolls sideways', async () => {
    const { context, page } = await staffBrowser('admin', { width: 768, height: 1024 });
    await page.goto(`${shop.url}/admin/analytics`);
    await page.getByRole('img', { name: /Line chart of gross and net sales/ }).waitFor();
    await page.getByRole('img', { name: /Bar chart of the 2 best-selling/ }).waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    const [sales, products] = await Promise.all(
      ['Sales over time', 'Top products'].map(
        async (name) => (await page.getByRole('region', { name }).boundingBox())!,
      ),
    );
    expect(products!.y).toBeGreaterThanOrEqual(sales!.y + sales!.height);
    await page.screenshot({ path: `${SCREENSHOTS}/admin-analytics-tablet.png`, fullPage: true });
    expect(await page.evaluate(() => window.violations)).toEqual([]);
    await context.close();
  });

  it('is not for ops: no link, and the page answers 404', async () => {
    const { context, page } = await staffBrowser('ops');
    expect(
      await page.getByRole('navigation', { name: 'Back office' }).getByRole('link', { name: 'Analytics' }).count(),
    ).toBe(0);
    expect((await page.goto(`${shop.url}/admin/analytics`))!.status()).toBe(404);
    await page.getByRole('heading', { name: 'Not found' }).waitFor();
    // And the API refuses the report itself, through the back office too.
    expect(
      await page.evaluate(() =>
        fetch('/admin/api/queries/admin/analytics/sales?from=2026-01-01&to=2026-01-31', {
          headers: { 'x-flowdose-staff': '1' },
        }).then((r) => r.status),
      ),
    ).toBe(403);
    await context.close();
  });

  it('sends shoppers none of the charting code, not even to their service worker', async () => {
    const context = await shop.shopper();
    const page = await context.newPage();
    const assets: string[] = [];
    page.on('response', (res) => {
      if (/\.(js|css)(\?|$)/.test(res.url())) assets.push(res.url());
    });
    for (const path of ['/', '/products', '/products/classic-t-shirt', '/cart', '/checkout', '/account']) {
      await page.goto(shop.url + path, { waitUntil: 'networkidle' });
    }
    const sw = await readFile(fileURLToPath(new URL('../public/sw.js', import.meta.url)), 'utf8');
    const precached = [...sw.matchAll(/'url':'([^']+\.(?:js|css))'/g)].map((m) => shop.url + m[1]);
    expect(precached.length).toBeGreaterThan(5);
    for (const url of new Set([...assets, ...precached])) {
      expect(await (await fetch(url)).text(), url).not.toContain(CHART_MARKER);
    }
    await context.close();

    // The marker is there to be found: the analytics page does load it.
    const { context: staff, page: admin } = await staffBrowser('analyst');
    const adminAssets: string[] = [];
    admin.on('response', (res) => {
      if (res.url().endsWith('.js')) adminAssets.push(res.url());
    });
    await admin.goto(`${shop.url}/admin/analytics`, { waitUntil: 'networkidle' });
    const bodies = await Promise.all(adminAssets.map(async (url) => (await fetch(url)).text()));
    expect(bodies.some((b) => b.includes(CHART_MARKER))).toBe(true);
    await staff.close();
  });
});
