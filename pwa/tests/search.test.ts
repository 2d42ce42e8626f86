/// <reference lib="dom" />
import { until } from '@flowdose/testing/process';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { SCREENSHOTS, startStorefront } from './storefront-stack.ts';

// The storefront's search page and search box on the demo catalog's first twelve products
// (storefront-stack seeds them): Nordic Hemp Jacket, two totes (Natural Tote Bag; Meadow
// Leather Tote in Rust and Navy), Field Waxed Canvas Tent in Navy and White, …
let shop: Awaited<ReturnType<typeof startStorefront>>;
beforeAll(async () => {
  shop = await startStorefront();
  // The stack waits for the catalog; the search read model is a projection of its own.
  await until(
    async () =>
      ((await (await fetch(`${shop.queries}/search?limit=100`)).json()) as { hits: unknown[] }).hits.length === 12,
    30_000,
    'search projected',
  );
}, 120_000);
afterAll(() => shop?.close());

let context: BrowserContext;
async function newShopper() {
  context = await shop.shopper();
  const page = await context.newPage();
  onTestFailed(async () => {
    await page.screenshot({ path: `${SCREENSHOTS}/failed-search.png` }).catch(() => {});
  });
  return page;
}

/** The facet checkboxes of one group as the shopper reads them: label → count. */
const facet = (page: Page, legend: string) =>
  page.$$eval(
    'form.facets fieldset',
    (sets, name) => {
      const set = sets.find((s) => s.querySelector('legend')?.textContent === name);
      return Object.fromEntries(
        Array.from(set?.querySelectorAll('label.check') ?? [], (l) => {
          const match = /^(.*) \((\d+)\)$/.exec(l.textContent?.trim() ?? '');
          return [match?.[1] ?? '', Number(match?.[2])];
        }),
      );
    },
    legend,
  );
const results = (page: Page) =>
  page.$$eval('section[aria-label="Results"] h2.name', (hs) => hs.map((h) => h.textContent));

describe('storefront search', () => {
  it('finds products despite a typo, marks the words, and filters by facet checkboxes with counts', async () => {
    const page = await newShopper();
    await page.goto(`${shop.url}/search?q=jaket`);
    expect(await results(page)).toEqual(['Nordic Hemp Jacket']);
    expect(await page.locator('section[aria-label="Results"] mark').allTextContents()).toEqual(['Jacket']);

    await page.goto(`${shop.url}/search?q=tote`);
    expect((await results(page)).sort()).toEqual(['Meadow Leather Tote', 'Natural Tote Bag']);
    expect(await facet(page, 'Colour')).toEqual({ Navy: 1, Rust: 1 });
    expect(await facet(page, 'Category')).toEqual({ Accessories: 2 });
    await page.getByRole('checkbox', { name: 'Navy (1)' }).check();
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(/colour=Navy/);
    expect(await results(page)).toEqual(['Meadow Leather Tote']);
    // Counted over the other filters: Rust still says what ticking it would add.
    expect(await facet(page, 'Colour')).toEqual({ Navy: 1, Rust: 1 });
    expect(await page.getByRole('checkbox', { name: 'Navy (1)' }).isChecked()).toBe(true);
    await page.screenshot({ path: `${SCREENSHOTS}/search.png`, fullPage: true });
    await context.close();
  });

  it('fits a phone and runs under the Content-Security-Policy', async () => {
    context = await shop.shopper({ width: 390, height: 844 });
    const page = await context.newPage();
    const refused: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) refused.push(m.text());
    });
    await page.goto(`${shop.url}/search?q=tote&colour=Navy`);
    await page.getByRole('heading', { name: 'Search: tote' }).waitFor();
    // Typing works only once React runs: a suggestion proves the page's scripts were allowed.
    await page.getByRole('searchbox', { name: 'Search' }).fill('tent');
    await page.getByRole('list', { name: 'Suggestions' }).getByRole('link').first().waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    expect(refused).toEqual([]);
    await page.screenshot({ path: `${SCREENSHOTS}/search-phone.png`, fullPage: true });
    await context.close();
  });

  it('suggests as the shopper types, and keeps working offline for searches made before', async () => {
    const page = await newShopper();
    await page.goto(`${shop.url}/search`);
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
      if (!navigator.serviceWorker.controller)
        await new Promise((r) => navigator.serviceWorker.addEventListener('controllerchange', r, { once: true }));
    });
    const box = page.getByRole('searchbox', { name: 'Search' });
    await box.fill('nordik');
    const suggestions = page.getByRole('list', { name: 'Suggestions' }).getByRole('link');
    await suggestions.first().waitFor();
    expect((await suggestions.allTextContents()).sort()).toEqual(['Nordic Ceramic Candle', 'Nordic Hemp Jacket']);
    await box.press('Enter');
    await page.waitForURL(/\/search\?q=nordik/);
    expect((await results(page)).sort()).toEqual(['Nordic Ceramic Candle', 'Nordic Hemp Jacket']);
    // Runtime caching is asynchronous: go offline only once both are kept.
    await page.waitForFunction(
      async () =>
        !!(await caches.match('/search?q=nordik')) && !!(await caches.match('/api/queries/search?limit=6&q=nordik')),
      undefined,
      { timeout: 15_000 },
    );

    await context.setOffline(true);
    await page.goto(`${shop.url}/search?q=nordik`);
    expect((await results(page)).sort()).toEqual(['Nordic Ceramic Candle', 'Nordic Hemp Jacket']);
    await box.fill('');
    await box.fill('nordik');
    await suggestions.first().waitFor();
    expect((await suggestions.allTextContents()).sort()).toEqual(['Nordic Ceramic Candle', 'Nordic Hemp Jacket']);
    // A search never made before is not invented: the offline page.
    await page.goto(`${shop.url}/search?q=tent`);
    await page.getByRole('heading', { name: 'You are offline' }).waitFor();
    await context.close();
  });
});
