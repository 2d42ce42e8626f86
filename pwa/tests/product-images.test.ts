/// <reference lib="dom" />
import { createHash, randomUUID } from 'node:crypto';
import { get as httpGet } from 'node:http';
import type { ProductDetail } from '@flowdose/contract/query-api';
import { argon2idHasher } from '@flowdose/shared/auth/passwords';
import { createStaffUser } from '@flowdose/shared/auth/staff';
import { testImage, uploadImage } from '@flowdose/testing/images';
import { until } from '@flowdose/testing/process';
import type { BrowserContext, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { SCREENSHOTS, startStorefront } from './storefront-stack.ts';

let shop: Awaited<ReturnType<typeof startStorefront>>;
const ADMIN = { email: 'admin@images.test', password: 'staff password for the images test' };
beforeAll(async () => {
  shop = await startStorefront();
  await createStaffUser(shop.db.pool, argon2idHasher(4096), { ...ADMIN, role: 'admin' });
}, 120_000);
afterAll(() => shop?.close());

const product = async (handle: string, position?: string) =>
  (await (
    await fetch(`${shop.queries}/products/${handle}`, { headers: position ? { 'X-Min-Position': position } : {} })
  ).json()) as ProductDetail;

/** Sets a product's images to exactly these (PUT), as the back office does; answers the position. */
async function setImages(productId: string, images: { key: string; alt: string }[]) {
  const res = await fetch(`${shop.commands}/admin/products/${productId}/images`, {
    method: 'PUT',
    headers: { ...(await shop.admin()), 'Idempotency-Key': randomUUID() },
    body: JSON.stringify({ images }),
  });
  expect(res.status, await res.clone().text()).toBe(200);
  return ((await res.json()) as { position: string }).position;
}

/** The status a path gets sent as written (fetch would normalise its ".." away first). */
const rawStatus = (base: string, path: string) =>
  new Promise<number>((resolve, reject) => {
    const { hostname, port } = new URL(base);
    httpGet({ host: hostname, port, path }, (res) => {
      res.resume();
      resolve(res.statusCode!);
    }).on('error', reject);
  });

/** What the page shows of its first product image, read in the page once it has loaded. */
const shown = (page: Page, selector: string) =>
  page.$eval(selector, async (node) => {
    const img = node as HTMLImageElement;
    await img.decode().catch(() => {});
    // naturalWidth is corrected by the candidate's density (its `w` over the `sizes` slot): the
    // file's own pixels are read from the bytes, here through the same fetch path (the worker).
    const file = await createImageBitmap(await (await fetch(img.currentSrc)).blob());
    return {
      currentSrc: new URL(img.currentSrc).pathname,
      file: `${file.width}x${file.height}`,
      naturalWidth: img.naturalWidth,
      width: img.getAttribute('width'),
      height: img.getAttribute('height'),
      boxWidth: img.getBoundingClientRect().width,
      boxHeight: img.getBoundingClientRect().height,
      loading: img.loading,
      fetchPriority: img.getAttribute('fetchpriority'),
      alt: img.alt,
    };
  });

describe('product images in the shop', () => {
  let context: BrowserContext;
  let pictured: ProductDetail;

  beforeAll(async () => {
    // A 4:3 photo as the mug's only image; its renditions are made by the projections service.
    const mug = await product('white-enamel-mug');
    const uploaded = await uploadImage(shop.commands, mug.productId, await testImage({ width: 1600, height: 1200 }), {
      headers: { Authorization: (await shop.admin()).Authorization, 'Idempotency-Key': randomUUID() },
      alt: 'A white enamel mug on a table',
    });
    expect(uploaded.status, uploaded.text).toBe(201);
    const position = await setImages(mug.productId, [{ key: uploaded.body.image.key, alt: uploaded.body.image.alt }]);
    await until(
      async () => (await product('white-enamel-mug', position)).images?.[0]?.ready === true,
      90_000,
      'renditions made',
    );
    pictured = await product('white-enamel-mug');
    // And one product without any image.
    const cap = await product('black-canvas-cap');
    const bare = await setImages(cap.productId, []);
    await until(async () => (await product('black-canvas-cap', bare)).images?.length === 0, 30_000, 'no cap image');
  }, 150_000);

  it('are served by the storefront at the URLs the answers give, immutable', async () => {
    const path = pictured.images[0]!.srcset!.avif.split(', ')[0]!.split(' ')[0]!;
    const res = await fetch(shop.url + path);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/avif');
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const etag = res.headers.get('etag');
    expect(etag).toBeTruthy();
    await res.arrayBuffer();
    expect((await fetch(shop.url + path, { headers: { 'If-None-Match': etag! } })).status).toBe(304);
    expect((await fetch(`${shop.url}/media/${'0'.repeat(64)}/640.avif`)).status).toBe(404);
    // Byte ranges pass through, and a path with ".." goes on as written, for the query API to refuse.
    const range = await fetch(shop.url + path, { headers: { Range: 'bytes=0-9' } });
    expect([range.status, range.headers.get('content-range')?.startsWith('bytes 0-9/')]).toEqual([206, true]);
    expect((await range.arrayBuffer()).byteLength).toBe(10);
    for (const dots of ['/media/../original', '/media/%2e%2e/original'])
      expect([dots, await rawStatus(shop.url, dots)]).toEqual([dots, 400]);
  });

  it('shows the cover at the rendition its slot needs, sized before it loads, and offline from the cache', async () => {
    // 1280 px wide at one pixel per CSS pixel: the cover's column is 34rem = 544 px, so 640 w.
    context = await shop.shopper({ width: 1280, height: 900 });
    const page = await context.newPage();
    onTestFailed(async () => {
      await page.screenshot({ path: `${SCREENSHOTS}/failed-product-images.png` }).catch(() => {});
    });
    await page.goto(`${shop.url}/products/white-enamel-mug`);
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
      if (!navigator.serviceWorker.controller)
        await new Promise((resolve) =>
          navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }),
        );
    });
    // Under the worker now: this load's image requests go through its cache.
    await page.reload();
    const cover = '.detail picture img';
    const seen = await shown(page, cover);
    const { hash } = /^media\/(?<hash>[0-9a-f]{64})\//.exec(pictured.images[0]!.key)!.groups!;
    expect(seen).toEqual({
      currentSrc: `/media/${hash}/640.avif`,
      file: '640x480',
      // The browser took 640 w for a 544 px slot: a density of 640 / 544, which makes it 544.
      naturalWidth: 544,
      width: '1600',
      height: '1200',
      boxWidth: 544,
      boxHeight: 408,
      loading: 'eager',
      fetchPriority: 'high',
      alt: 'A white enamel mug on a table',
    });
    // Asked for from the head, before the body is parsed: the same AVIF candidates and sizes.
    expect(
      await page.$eval('head link[rel="preload"][as="image"]', (l) => ({
        type: l.getAttribute('type'),
        srcset: l.getAttribute('imagesrcset'),
        sizes: l.getAttribute('imagesizes'),
      })),
    ).toEqual({
      type: 'image/avif',
      srcset: pictured.images[0]!.srcset!.avif,
      sizes: await page.$eval('.detail picture source[type="image/avif"]', (s) => s.getAttribute('sizes')),
    });
    // The box had its size from the width and height attributes: nothing on the page moved.
    const shifts = await page.evaluate(
      () =>
        new Promise<number>((resolve) => {
          // Buffered entries come to the callback soon after observe(); none at all means none came.
          let count = 0;
          new PerformanceObserver((list) => {
            count += list.getEntries().length;
          }).observe({ type: 'layout-shift', buffered: true });
          setTimeout(() => resolve(count), 500);
        }),
    );
    expect(shifts).toBe(0);
    await page.waitForFunction(async (p) => !!(await (await caches.open('images')).match(p)), seen.currentSrc, {
      timeout: 15_000,
    });
    await page.waitForFunction(async (p) => !!(await caches.match(p)), '/products/white-enamel-mug', {
      timeout: 15_000,
    });

    await context.setOffline(true);
    await page.reload();
    expect(await shown(page, cover)).toEqual(seen);
    await context.setOffline(false);
    await context.close();
  });

  it('draws cards lazily (but the first four) with empty alt text, and the tile for a product without an image', async () => {
    context = await shop.shopper({ width: 1280, height: 900 });
    const page = await context.newPage();
    await page.goto(`${shop.url}/products`);
    // The first four cards' images (in view on arrival) load at once, the rest when scrolled near;
    // the first is fetched first (high priority), the others as the browser sees fit.
    const loading = await page.locator('li.card').evaluateAll((cards) =>
      cards.map((c) => {
        const img = c.querySelector('img');
        return img ? `${img.loading} ${img.getAttribute('fetchpriority')}` : 'no image';
      }),
    );
    expect(loading.length).toBeGreaterThan(4);
    const expected = (i: number) => (i === 0 ? 'eager high' : i < 4 ? 'eager auto' : 'lazy auto');
    expect(loading[0]).toBe(expected(0));
    expect(loading.map((l, i) => l === 'no image' || l === expected(i))).not.toContain(false);
    const card = page.locator('li.card', { hasText: 'White Enamel Mug' });
    await card.scrollIntoViewIfNeeded();
    const img = card.locator('picture img');
    await img.waitFor();
    expect(await img.evaluate((i: HTMLImageElement) => ({ loading: i.loading, alt: i.alt }))).toEqual({
      loading: 'lazy',
      alt: '',
    });
    await page.waitForFunction(
      (node) => (node as HTMLImageElement).complete && (node as HTMLImageElement).naturalWidth > 0,
      await img.elementHandle(),
    );
    // A card is at most 12rem wide here: the 320 w rendition covers it.
    expect(await img.evaluate((i: HTMLImageElement) => new URL(i.currentSrc).pathname)).toMatch(/\/320\.avif$/);
    const cap = page.locator('li.card', { hasText: 'Black Canvas Cap' });
    expect(await cap.locator('picture').count()).toBe(0);
    expect(await cap.locator('.tile').textContent()).toBe('BC');
    await context.close();
  });
});

/** A photo-like file (noise does not compress): big enough that its upload takes a while when throttled. */
const noisy = (width: number, height: number, mean: number) =>
  sharp({ create: { width, height, channels: 3, background: '#000', noise: { type: 'gaussian', mean, sigma: 40 } } })
    .png()
    .toBuffer();
const keyOf = (bytes: Buffer) => `media/${createHash('sha256').update(bytes).digest('hex')}/original`;

describe('the demo catalog', () => {
  it('shows the pictures the seed drew on the cards and on a product page', async () => {
    type Listed = { items: { handle: string; image: { ready: boolean } | null }[] };
    const list = async () => ((await (await fetch(`${shop.queries}/products?limit=100`)).json()) as Listed).items;
    // The cap's were removed above; every other product was seeded with one to three.
    await until(
      async () => (await list()).every((p) => p.handle === 'black-canvas-cap' || p.image?.ready),
      120_000,
      'every seeded cover has its renditions',
    );
    const context = await shop.shopper({ width: 1280, height: 900 });
    const page = await context.newPage();
    await page.goto(`${shop.url}/products`);
    const cards = page.locator('li.card');
    expect(await cards.locator('picture').count()).toBe((await cards.count()) - 1);
    await page.screenshot({ path: `${SCREENSHOTS}/catalog-images.png` });
    await page.goto(`${shop.url}/`);
    await page.waitForFunction(() =>
      Array.from(document.querySelectorAll('li.card img')).every(
        (i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth > 0,
      ),
    );
    await page.screenshot({ path: `${SCREENSHOTS}/home-images.png`, fullPage: true });
    await page.goto(`${shop.url}/products/nordic-ceramic-candle-9`);
    await page.locator('.detail picture img').first().waitFor();
    // The cover and the other two, each loaded.
    await page.waitForFunction(() =>
      Array.from(document.querySelectorAll('.detail picture img')).every(
        (i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth > 0,
      ),
    );
    expect(await page.locator('.detail picture img').count()).toBe(3);
    expect(await page.getByRole('list', { name: 'More images' }).locator('img').count()).toBe(2);
    await page.screenshot({ path: `${SCREENSHOTS}/product-images.png` });
    // Search hits show their covers too.
    await page.goto(`${shop.url}/search?q=candle`);
    const hit = page.locator('li.card', { hasText: 'Nordic Ceramic Candle' }).locator('picture img');
    await page.waitForFunction(
      (node) => (node as HTMLImageElement).complete && (node as HTMLImageElement).naturalWidth > 0,
      await hit.elementHandle(),
    );
    // A rendition (which one is the browser's choice: the product page just loaded a wider one
    // of the same cover, and Chrome takes a wider candidate it already holds).
    expect(await hit.evaluate((i: HTMLImageElement) => new URL(i.currentSrc).pathname)).toMatch(/\/\d+\.avif$/);
    await context.close();
  }, 150_000);
});

describe('product images in the back office', () => {
  it('uploads by the file picker with a progress bar each, then reorders by keyboard, sets alt text and deletes', async () => {
    const tote = await product('natural-tote-bag');
    await setImages(tote.productId, []);
    const files = [
      { name: 'front.png', mimeType: 'image/png', buffer: await noisy(640, 480, 100) },
      { name: 'back.png', mimeType: 'image/png', buffer: await noisy(640, 480, 160) },
    ];
    const [front, back] = files.map((f) => keyOf(f.buffer)) as [string, string];
    // Read without a position: polled until the projection has caught up (a busy machine lags).
    const stored = async () => (await product('natural-tote-bag')).images.map((i) => [i.key, i.alt]);

    const context = await shop.shopper({ width: 1280, height: 900 });
    const page = await context.newPage();
    onTestFailed(async () => {
      await page.screenshot({ path: `${SCREENSHOTS}/failed-back-office-images.png`, fullPage: true }).catch(() => {});
    });
    const changes: { method: string; key: string | null }[] = [];
    page.on('request', (r) => {
      if (r.url().endsWith(`/admin/products/${tote.productId}/images`))
        changes.push({ method: r.method(), key: r.headers()['idempotency-key'] ?? null });
    });
    await page.goto(`${shop.url}/admin/login?next=${encodeURIComponent(`/admin/products/${tote.productId}`)}`);
    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Images' }).waitFor();
    await page.getByText('No images yet').waitFor();

    // A slow uplink (about 300 kB/s), so the bar is seen part-way.
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 20,
      downloadThroughput: -1,
      uploadThroughput: 300 * 1024,
    });
    await page.getByLabel(/Add images/).setInputFiles(files);
    const bar = page.getByRole('progressbar', { name: 'Upload of front.png' });
    await page.waitForFunction(() => {
      const p = document.querySelector<HTMLProgressElement>('progress[aria-label="Upload of front.png"]');
      return !!p && p.value > 0 && p.value < p.max;
    });
    await page
      .getByText(/^\d+ % sent$/)
      .first()
      .waitFor();
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: -1,
    });
    const uploads = page.getByRole('list', { name: 'Uploads' });
    await expect.poll(() => uploads.getByText('Uploaded').count(), { timeout: 30_000 }).toBe(2);
    expect(await bar.evaluate((p: HTMLProgressElement) => p.value === p.max)).toBe(true);
    const shown = () =>
      page.locator('.image-list > li').evaluateAll((lis) => lis.map((li) => li.getAttribute('data-image')));
    expect(await shown()).toEqual([front, back]);
    await expect.poll(stored, { timeout: 20_000 }).toEqual([
      [front, ''],
      [back, ''],
    ]);

    // The keyboard moves the cover down; the focus goes with it.
    await page.getByRole('button', { name: 'Move down image 1' }).focus();
    await page.keyboard.press('Enter');
    await page.getByText('Moved down: now image 2 of 2.').waitFor();
    expect(await shown()).toEqual([back, front]);
    expect(
      await page.evaluate(() => ({
        image: document.activeElement?.closest('li')?.getAttribute('data-image'),
        text: document.activeElement?.textContent,
      })),
    ).toEqual({ image: front, text: 'Move up image 2' });
    await expect.poll(stored, { timeout: 20_000 }).toEqual([
      [back, ''],
      [front, ''],
    ]);

    await page
      .getByRole('form', { name: 'Alt text of image 1' })
      .getByLabel(/Alt text/)
      .fill('The bag from behind');
    await page.getByRole('button', { name: 'Save alt text' }).first().click();
    await page.getByText('Alt text of image 1 saved.').waitFor();
    await page.screenshot({ path: `${SCREENSHOTS}/admin-product-images.png`, fullPage: true });
    await page.getByRole('button', { name: 'Delete image 2' }).click();
    await page.getByText('Image 2 deleted.').waitFor();
    expect(await shown()).toEqual([back]);
    await expect.poll(stored, { timeout: 20_000 }).toEqual([[back, 'The bag from behind']]);

    // Every change went with an Idempotency-Key of its own.
    expect(changes.map((c) => c.method)).toEqual(['POST', 'POST', 'PUT', 'PUT', 'PUT']);
    expect(changes.every((c) => c.key)).toBe(true);
    expect(new Set(changes.map((c) => c.key)).size).toBe(changes.length);
    await context.close();
  });
});
