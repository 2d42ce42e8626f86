import { createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import type { ShownImage } from '@flowdose/contract/common';
import type { ImageView } from '@flowdose/domain/product/media';
import { makeRenditions } from '@flowdose/projections/renditions';
import { bearerFor } from '@flowdose/testing/auth';
import { serve } from '@flowdose/testing/http';
import { inspect, testImage, uploadImage } from '@flowdose/testing/images';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.ts';
import { startStack } from '../harness.test-support.ts';

let stack: Awaited<ReturnType<typeof startStack>>;
let admin: Record<string, string>;
let productId: string;
let photo: Buffer;
let hash: string;
let uploadedAt: string;
const IMMUTABLE = 'public, max-age=31536000, immutable';

/** A request sent as written, `..` and all (fetch and URL would normalise the path first). */
function raw(path: string, headers: Record<string, string> = {}) {
  const { hostname, port } = new URL(stack.queries.url);
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
    const req = httpRequest({ host: hostname, port, path, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const get = (path: string, headers: Record<string, string> = {}) => fetch(`${stack.queries.url}${path}`, { headers });
const bytes = async (res: Response) => Buffer.from(await res.arrayBuffer());

beforeAll(async () => {
  stack = await startStack();
  admin = await bearerFor(stack.config.AUTH_JWT_SECRET, 'admin');
  const created = await stack.commands.request<{ productId: string }>('POST', '/admin/products', {
    headers: admin,
    body: {
      title: 'Pictured mug',
      handle: 'pictured-mug',
      description: '',
      category: 'kitchen',
      tags: [],
      options: [],
      variants: [{ sku: 'PIC-MUG', optionValues: {}, prices: { EUR: 900 }, weightGrams: 300 }],
    },
  });
  productId = created.body.productId;
  await stack.commands.request('POST', `/admin/products/${productId}/publish`, { headers: admin });
  photo = await testImage({ width: 1400, height: 700, gps: true });
  hash = createHash('sha256').update(photo).digest('hex');
  const uploaded = await uploadImage(stack.commands.url, productId, photo, { headers: admin, alt: 'The mug' });
  expect(uploaded.status, uploaded.text).toBe(201);
  uploadedAt = uploaded.body.position;
});
afterAll(() => stack.close());

describe('GET /media/:hash/:file', () => {
  it('serves the original, immutable, with its type, entity tag and no metadata', async () => {
    const res = await get(`/media/${hash}/original`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    expect(res.headers.get('cache-control')).toBe(IMMUTABLE);
    expect(res.headers.get('etag')).toMatch(/^"[^"]+"$/);
    expect(res.headers.get('accept-ranges')).toBe('bytes');
    expect(res.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    const body = await bytes(res);
    expect(Number(res.headers.get('content-length'))).toBe(body.length);
    expect(await inspect(body)).toMatchObject({ format: 'jpeg', width: 1400, height: 700, hasExif: false });
    const head = await fetch(`${stack.queries.url}/media/${hash}/original`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(body.length));
    expect(await head.text()).toBe('');
  });

  it('answers 304 to the entity tag it gave, and the bytes to another', async () => {
    const first = await get(`/media/${hash}/original`);
    const etag = first.headers.get('etag')!;
    await first.arrayBuffer();
    for (const match of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
      const again = await get(`/media/${hash}/original`, { 'If-None-Match': match });
      expect([match, again.status]).toEqual([match, 304]);
      expect(again.headers.get('etag')).toBe(etag);
      expect(again.headers.get('cache-control')).toBe(IMMUTABLE);
      expect(await again.text()).toBe('');
    }
    const stale = await get(`/media/${hash}/original`, { 'If-None-Match': '"not-it"' });
    expect(stale.status).toBe(200);
    expect((await bytes(stale)).length).toBeGreaterThan(0);
  });

  it('serves byte ranges: 206 with Content-Range, 416 past the end', async () => {
    const whole = await bytes(await get(`/media/${hash}/original`));
    const size = whole.length;
    const cases: [string, number, number][] = [
      ['bytes=0-99', 0, 99],
      ['bytes=100-', 100, size - 1],
      ['bytes=-10', size - 10, size - 1],
      [`bytes=${size - 1}-${size + 500}`, size - 1, size - 1],
    ];
    for (const [range, start, end] of cases) {
      const res = await get(`/media/${hash}/original`, { Range: range });
      expect([range, res.status]).toEqual([range, 206]);
      expect(res.headers.get('content-range')).toBe(`bytes ${start}-${end}/${size}`);
      expect(res.headers.get('content-type')).toBe('image/jpeg');
      const body = await bytes(res);
      expect(body.length).toBe(end - start + 1);
      expect(body.equals(whole.subarray(start, end + 1))).toBe(true);
    }
    const past = await get(`/media/${hash}/original`, { Range: `bytes=${size}-` });
    expect(past.status).toBe(416);
    expect(past.headers.get('content-range')).toBe(`bytes */${size}`);
    expect(past.headers.get('content-type')).toContain('application/problem+json');
    expect(await past.json()).toMatchObject({ type: '/problems/range-not-satisfiable', status: 416 });
    // Several ranges, a range of another unit, or an If-Range that no longer holds: the whole.
    for (const headers of [
      { Range: 'bytes=0-1,5-6' } as Record<string, string>,
      { Range: 'items=0-1' },
      { Range: 'bytes=0-1', 'If-Range': '"an-old-etag"' },
    ]) {
      const res = await get(`/media/${hash}/original`, headers);
      expect([headers, res.status]).toEqual([headers, 200]);
      expect((await bytes(res)).length).toBe(size);
    }
    const etag = (await get(`/media/${hash}/original`, { Range: 'bytes=0-0' })).headers.get('etag')!;
    expect((await get(`/media/${hash}/original`, { Range: 'bytes=0-0', 'If-Range': etag })).status).toBe(206);
  });

  it('answers 404 problems, never cached, for what it does not have', async () => {
    for (const path of [
      `/media/${'0'.repeat(64)}/original`,
      `/media/${hash}/1280.jpeg`,
      `/media/${hash}/999.webp`,
      '/media/not-a-hash/original',
      `/media/${hash.toUpperCase()}/original`,
    ]) {
      const res = await get(path);
      expect([path, res.status]).toEqual([path, 404]);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.headers.get('cache-control'), path).toBe('no-store');
      expect(await res.json()).toMatchObject({ type: '/problems/not-found' });
    }
  });

  it('refuses a path with "..", however it is written, with a 400 problem', async () => {
    for (const path of [
      '/media/../etc/passwd',
      `/media/${hash}/../original`,
      '/media/%2e%2e/original',
      '/media/%2E%2E%2Fetc%2Fpasswd/original',
      `/media/${hash}/..%2f..%2fsecret`,
      '/media/..%5c..%5cwindows/original',
      '/media/x/../../../etc/passwd',
    ]) {
      const res = await raw(path);
      expect([path, res.status]).toEqual([path, 400]);
      expect(String(res.headers['content-type'])).toContain('application/problem+json');
      expect(JSON.parse(res.body)).toMatchObject({ status: 400, type: '/problems/validation-error' });
    }
  });

  it('serves the renditions once the job has made them, and asks for the job again when one is missing', async () => {
    // The upload asked for the job (no worker runs here); as if Redis had lost it, it goes.
    const queue = stack.queryDeps.renditions!;
    expect(await queue.getJob(`renditions-${hash}`)).toBeDefined();
    await (await queue.getJob(`renditions-${hash}`))?.remove();
    expect(await queue.getJob(`renditions-${hash}`)).toBeUndefined();
    // A rendition not made yet is a 404 nobody keeps, and it asks for the job again.
    const missing = await get(`/media/${hash}/640.webp`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('cache-control')).toBe('no-store');
    expect(await queue.getJob(`renditions-${hash}`)).toBeDefined();
    // Until then the product answers and the search hits say so, and the shop shows its tile.
    const read = { 'X-Min-Position': uploadedAt };
    const cover = async () =>
      (
        await stack.queries.request<{ images: ShownImage[] }>('GET', '/products/pictured-mug', {
          headers: read,
        })
      ).body.images[0]?.ready;
    const hitCover = async () =>
      (
        await stack.queries.request<{ hits: { image: ShownImage | null }[] }>('GET', '/search?q=pictured', {
          headers: read,
        })
      ).body.hits[0]?.image?.ready;
    expect([await cover(), await hitCover()]).toEqual([false, false]);

    await makeRenditions(stack.queryDeps.blobs, hash);
    expect([await cover(), await hitCover()]).toEqual([true, true]);
    for (const [file, type, format] of [
      ['640.webp', 'image/webp', 'webp'],
      ['1280.avif', 'image/avif', 'heif'],
    ] as const) {
      const res = await get(`/media/${hash}/${file}`);
      expect([file, res.status]).toEqual([file, 200]);
      expect(res.headers.get('content-type')).toBe(type);
      expect(res.headers.get('cache-control')).toBe(IMMUTABLE);
      expect(await inspect(await bytes(res))).toMatchObject({ format, width: Number(file.split('.')[0]) });
    }
  });
});

describe('images in the product answers', () => {
  it('carry the URLs of the original and of the renditions, as srcset per format', async () => {
    const read = { 'X-Min-Position': uploadedAt };
    const detail = await stack.queries.request<{ images: ImageView[] }>('GET', '/products/pictured-mug', {
      headers: read,
    });
    expect(detail.status, detail.text).toBe(200);
    const widths = [160, 320, 640, 1280];
    expect(detail.body.images).toEqual([
      {
        key: `media/${hash}/original`,
        alt: 'The mug',
        width: 1400,
        height: 700,
        url: `/media/${hash}/original`,
        srcset: {
          avif: widths.map((w) => `/media/${hash}/${w}.avif ${w}w`).join(', '),
          webp: widths.map((w) => `/media/${hash}/${w}.webp ${w}w`).join(', '),
        },
        // The renditions were made above.
        ready: true,
      },
    ]);
    const list = await stack.queries.request<{ items: { handle: string; image: ImageView | null }[] }>(
      'GET',
      '/products?category=kitchen',
      { headers: read },
    );
    expect(list.body.items.find((i) => i.handle === 'pictured-mug')?.image).toEqual(detail.body.images[0]);
    const search = await stack.queries.request<{ hits: { handle: string; image: ImageView | null }[] }>(
      'GET',
      '/search?q=mug',
      { headers: read },
    );
    expect(search.body.hits.find((h) => h.handle === 'pictured-mug')?.image).toEqual(detail.body.images[0]);
    const staff = await stack.queries.request<{ images: ImageView[] }>('GET', `/admin/products/${productId}`, {
      headers: { ...admin, ...read },
    });
    expect(staff.body.images).toEqual(detail.body.images);
    // Every URL it gives is served.
    for (const url of [detail.body.images[0]!.url!, ...detail.body.images[0]!.srcset!.webp.split(', ')])
      expect((await get(url.split(' ')[0]!)).status, url).toBe(200);
  });

  it('point at MEDIA_PUBLIC_BASE_URL when it is set', async () => {
    const cdn = await serve(
      buildApp({
        ...stack.queryDeps,
        config: { ...stack.config, MEDIA_PUBLIC_BASE_URL: 'https://cdn.example.com/shop' },
      }),
    );
    try {
      const detail = await cdn.request<{ images: ImageView[] }>('GET', '/products/pictured-mug', {
        headers: { 'X-Min-Position': uploadedAt },
      });
      expect(detail.body.images[0]).toMatchObject({
        url: `https://cdn.example.com/shop/media/${hash}/original`,
        srcset: {
          webp: expect.stringMatching(new RegExp(`^https://cdn\\.example\\.com/shop/media/${hash}/160\\.webp 160w, `)),
        },
      });
    } finally {
      await cdn.close();
    }
  });
});
