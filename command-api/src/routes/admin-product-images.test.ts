import { createHash, randomBytes } from 'node:crypto';
import { RENDITION_FORMATS, RENDITION_WIDTHS, renditionKey } from '@flowdose/domain/product/media';
import { makeRenditions, renditionsReady, startRenditionsWorker } from '@flowdose/projections/renditions';
import { testConfig } from '@flowdose/shared/config';
import { createLogger } from '@flowdose/shared/logger';
import { createRedis } from '@flowdose/shared/redis';
import { bearerFor } from '@flowdose/testing/auth';
import { GPS_IFD_TAG, inspect, testImage, uploadImage } from '@flowdose/testing/images';
import { freePort, spawnTs, until } from '@flowdose/testing/process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newProduct as createProduct, startCommandApi, untilServing } from '../harness.test-support.ts';

const config = testConfig({ COMMANDS_PER_MINUTE: '100000' });
let api: Awaited<ReturnType<typeof startCommandApi>>;
let admin: Record<string, string>;

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const bytesAt = async (key: string) => {
  const got = await api.deps.blobs.get(key);
  if (!got) throw new Error(`nothing stored at ${key}`);
  return Buffer.concat(await got.body.toArray());
};
const imageEvents = async (productId: string) =>
  (
    await api.db.pool.query<{ type: string; data: Record<string, unknown> }>(
      `select type, data from events where stream_id = $1 and type like 'ProductImage%' order by stream_position`,
      [`product-${productId}`],
    )
  ).rows;

const newProduct = (handle: string) => createProduct(api.api, admin, handle);

const upload = (productId: string, bytes: Uint8Array, options: Parameters<typeof uploadImage>[3] = {}) =>
  uploadImage(api.api.url, productId, bytes, { ...options, headers: { ...admin, ...options.headers } });

beforeAll(async () => {
  api = await startCommandApi(config);
  admin = await bearerFor(config.AUTH_JWT_SECRET, 'admin');
});
afterAll(() => api.close());

describe('POST /admin/products/:productId/images', () => {
  it('is for admins only: anonymous 401, every other role 403, before the body is read', async () => {
    const productId = await newProduct('roles');
    const image = await testImage({ width: 200, height: 100 });
    const anonymous = await uploadImage(api.api.url, productId, image);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('content-type')).toContain('application/problem+json');
    for (const role of ['analyst', 'ops', 'customer'] as const) {
      const res = await uploadImage(api.api.url, productId, image, {
        headers: await bearerFor(config.AUTH_JWT_SECRET, role),
      });
      expect([role, res.status]).toEqual([role, 403]);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
    expect(await imageEvents(productId)).toEqual([]);
    expect(await api.deps.blobs.list('media/')).toEqual([]);
  });

  it('tells the type from the bytes: a text file named cat.jpg is a 415', async () => {
    const productId = await newProduct('text-cat');
    const res = await upload(productId, Buffer.from('Not a cat. Just words in a file with a .jpg name.\n'), {
      filename: 'cat.jpg',
      type: 'image/jpeg',
    });
    expect(res.status, res.text).toBe(415);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body).toMatchObject({ type: '/problems/unsupported-media-type', status: 415 });
    // Bytes that start like a JPEG and are not one: unreadable, and nothing stored either.
    const fake = await upload(productId, Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(500)]));
    expect(fake.status, fake.text).toBe(422);
    expect(fake.body).toMatchObject({ type: '/problems/image-unreadable' });
    // JSON is not a form.
    const json = await api.api.request('POST', `/admin/products/${productId}/images`, {
      headers: admin,
      body: { file: 'cat.jpg' },
    });
    expect(json.status).toBe(415);
    expect(await imageEvents(productId)).toEqual([]);
    expect(await api.deps.blobs.list('media/')).toEqual([]);
  });

  it('takes at most 10 MB: 11 MB is a 413 problem, and nothing is stored', async () => {
    const productId = await newProduct('too-big');
    const res = await upload(productId, randomBytes(11 * 1024 * 1024), { filename: 'big.jpg' });
    expect(res.status, res.text).toBe(413);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body).toMatchObject({ type: '/problems/payload-too-large', status: 413 });
    expect(await imageEvents(productId)).toEqual([]);
    expect(await api.deps.blobs.list('media/')).toEqual([]);
    // Announced at more than twice the limit: refused before it is read.
    const huge = await upload(productId, randomBytes(25 * 1024 * 1024), { filename: 'huge.jpg' });
    expect(huge.status, huge.text).toBe(413);
    expect(huge.body).toMatchObject({ type: '/problems/payload-too-large' });
    expect(await api.deps.blobs.list('media/')).toEqual([]);
    expect((await api.api.request('GET', '/health')).status).toBe(200);
  });

  it('refuses other parts, a second file and a missing file with 400 problems', async () => {
    const productId = await newProduct('parts');
    const image = await testImage({ width: 100, height: 100 });
    const other = await upload(productId, image, { extra: { colour: 'red' } });
    expect(other.status).toBe(400);
    expect(other.body).toMatchObject({ type: '/problems/validation-error' });
    const form = new FormData();
    form.set('alt', 'no file');
    const none = await fetch(`${api.api.url}/admin/products/${productId}/images`, {
      method: 'POST',
      headers: admin,
      body: form,
    });
    expect(none.status).toBe(400);
    expect(await none.json()).toMatchObject({ errors: [{ path: 'file' }] });
    const two = new FormData();
    two.append('file', new Blob([Uint8Array.from(image)]), 'a.jpg');
    two.append('file', new Blob([Uint8Array.from(image)]), 'b.jpg');
    const twice = await fetch(`${api.api.url}/admin/products/${productId}/images`, {
      method: 'POST',
      headers: admin,
      body: two,
    });
    expect(twice.status).toBe(400);
    const long = await upload(productId, image, { alt: 'x'.repeat(201) });
    expect(long.status).toBe(400);
    expect(await imageEvents(productId)).toEqual([]);
    expect(await api.deps.blobs.list('media/')).toEqual([]);
  });

  it('answers 404 for a product that does not exist, 409 for an archived one, storing nothing', async () => {
    const image = await testImage({ width: 120, height: 90 });
    expect((await upload('0190b8a0-0000-7000-8000-000000000404', image)).status).toBe(404);
    expect((await upload('not-an-id', image)).status).toBe(404);
    const productId = await newProduct('archived');
    await api.api.request('POST', `/admin/products/${productId}/archive`, { headers: admin });
    const archived = await upload(productId, image);
    expect(archived.status).toBe(409);
    expect(archived.body).toMatchObject({ type: '/problems/product-archived' });
    expect(await api.deps.blobs.list('media/')).toEqual([]);
  });

  it('strips the metadata (EXIF with GPS), turns the image upright, and so do the renditions', async () => {
    const productId = await newProduct('gps');
    // 1600×1200 as stored, shown 1200×1600 (EXIF orientation 6), with a GPS position.
    const photo = await testImage({ width: 1600, height: 1200, gps: true, orientation: 6 });
    const sent = await inspect(photo);
    expect(sent.exifTags).toContain(GPS_IFD_TAG);
    expect(sent.orientation).toBe(6);

    const res = await upload(productId, photo, { alt: '  A red square, upright  ', filename: 'IMG_0001.JPG' });
    expect(res.status, res.text).toBe(201);
    const hash = sha256(photo);
    expect(res.body).toMatchObject({
      productId,
      image: {
        key: `media/${hash}/original`,
        alt: 'A red square, upright',
        width: 1200,
        height: 1600,
        url: `/media/${hash}/original`,
        ready: false,
      },
    });
    expect(res.body.image.renditions.map((r) => `${r.width}.${r.format}`)).toEqual([
      '160.avif',
      '320.avif',
      '640.avif',
      '1200.avif',
      '160.webp',
      '320.webp',
      '640.webp',
      '1200.webp',
    ]);
    expect(res.body.image.srcset?.webp).toBe(
      [160, 320, 640, 1200].map((w) => `/media/${hash}/${w}.webp ${w}w`).join(', '),
    );

    const original = await inspect(await bytesAt(`media/${hash}/original`));
    expect(original).toMatchObject({ format: 'jpeg', width: 1200, height: 1600, hasExif: false, hasXmp: false });
    expect(original.orientation).toBeUndefined();
    expect(await api.deps.blobs.head(`media/${hash}/original`)).toMatchObject({ contentType: 'image/jpeg' });

    const made = await makeRenditions(api.deps.blobs, hash);
    expect(made).toHaveLength(8);
    for (const { width, format, url } of res.body.image.renditions) {
      const rendition = await inspect(await bytesAt(url.slice(1)));
      expect(rendition, url).toMatchObject({ width, hasExif: false, hasXmp: false });
      expect(rendition.format, url).toBe(format === 'avif' ? 'heif' : 'webp');
      if (format === 'avif') expect(rendition.compression).toBe('av1');
      // Upright: taller than wide, as the photo is shown.
      expect(rendition.height!, url).toBeGreaterThan(rendition.width!);
    }
    expect(await renditionsReady(api.deps.blobs, hash, 1200)).toBe(true);
    // Made again: nothing to make.
    expect(await makeRenditions(api.deps.blobs, hash)).toEqual([]);
  });

  it('stores the same image once, on every product it is uploaded to', async () => {
    const first = await newProduct('same-1');
    const second = await newProduct('same-2');
    const image = await testImage({ width: 800, height: 600, colour: '#2a9d8f' });
    const hash = sha256(image);
    const a = await upload(first, image, { alt: 'first' });
    expect(a.status, a.text).toBe(201);
    const headBefore = await api.deps.blobs.head(`media/${hash}/original`);
    // The same file again to the same product: nothing recorded, the image as it is.
    const again = await upload(first, image, { alt: 'another alt' });
    expect(again.status, again.text).toBe(200);
    expect(again.body.image).toMatchObject({ key: `media/${hash}/original`, alt: 'first' });
    // And to another product: recorded there, stored nowhere new.
    const b = await upload(second, image, { alt: 'second' });
    expect(b.status, b.text).toBe(201);
    expect(b.body.image.key).toBe(a.body.image.key);
    const originals = (await api.deps.blobs.list('media/')).filter((blob) => blob.key.startsWith(`media/${hash}/`));
    expect(originals.map((blob) => blob.key)).toEqual([`media/${hash}/original`]);
    expect((await api.deps.blobs.head(`media/${hash}/original`))!.etag).toBe(headBefore!.etag);
    expect((await imageEvents(first)).map((e) => e.type)).toEqual(['ProductImageAdded']);
    expect((await imageEvents(second)).map((e) => e.type)).toEqual(['ProductImageAdded']);
  });

  it('answers a retry with the same Idempotency-Key as it answered the first time', async () => {
    const productId = await newProduct('retry');
    const image = await testImage({ width: 300, height: 300, colour: '#264653' });
    const key = { 'Idempotency-Key': `upload-${productId}` };
    const first = await upload(productId, image, { alt: 'front', headers: key });
    expect(first.status, first.text).toBe(201);
    const retry = await upload(productId, image, { alt: 'front', headers: key });
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.body).toEqual(first.body);
    // The same key with another file is another request: refused.
    const other = await upload(productId, await testImage({ width: 300, height: 300 }), {
      alt: 'front',
      headers: key,
    });
    expect(other.status).toBe(422);
    expect(other.body).toMatchObject({ type: '/problems/idempotency-key-reused' });
    expect((await imageEvents(productId)).length).toBe(1);
  });

  it('has its renditions made by the renditions job: four widths in WebP and AVIF', async () => {
    const connection = createRedis(config.REDIS_URL);
    const worker = startRenditionsWorker({
      blobs: api.deps.blobs,
      connection,
      prefix: config.QUEUE_PREFIX,
      logger: createLogger('test', 'silent'),
    });
    try {
      const productId = await newProduct('job');
      const image = await testImage({ width: 2000, height: 1000, format: 'png', colour: '#e76f51' });
      const hash = sha256(image);
      const res = await upload(productId, image);
      expect(res.status, res.text).toBe(201);
      await until(() => renditionsReady(api.deps.blobs, hash, 2000), 60_000, 'renditions made by the job');
      const stored = (await api.deps.blobs.list(`media/${hash}/`)).map((b) => b.key).sort();
      const expected = RENDITION_FORMATS.flatMap((format) =>
        RENDITION_WIDTHS.map((w) => renditionKey(hash, w, format)),
      );
      expect(stored).toEqual([...expected, `media/${hash}/original`].sort());
      for (const format of RENDITION_FORMATS)
        for (const width of RENDITION_WIDTHS)
          expect(await inspect(await bytesAt(renditionKey(hash, width, format)))).toMatchObject({
            width,
            height: width / 2,
            format: format === 'avif' ? 'heif' : 'webp',
          });
      expect(await api.deps.blobs.head(renditionKey(hash, 640, 'avif'))).toMatchObject({ contentType: 'image/avif' });
      // The same file uploaded now finds them made.
      const other = await newProduct('job-2');
      const again = await upload(other, image);
      expect(again.body.image.ready).toBe(true);
    } finally {
      await worker.close();
      connection.disconnect();
    }
  });
});

describe('an upload killed half-way', () => {
  it.each(['image-stored', 'image-recorded'])(
    'killed at %s: a retry with the same key records it once, stored once, and answers as the first run would have',
    async (point) => {
      const productId = await newProduct(`crash-${point}`);
      const image = await testImage({
        width: 500,
        height: 400,
        colour: point === 'image-stored' ? '#0a0b0c' : '#0c0b0a',
      });
      const hash = sha256(image);
      // Another command API, a real process on the same database, Redis and media folder.
      const port = await freePort();
      const child = spawnTs('command-api/src/main.ts', [], {
        DATABASE_URL: api.db.url,
        QUEUE_PREFIX: config.QUEUE_PREFIX,
        MEDIA_DIR: config.MEDIA_DIR,
        COMMAND_API_PORT: String(port),
        IDEMPOTENCY_LOCK_SECONDS: '1',
        FAILPOINT: point,
      });
      const url = `http://127.0.0.1:${port}`;
      await untilServing(url);
      const key = { 'Idempotency-Key': `crash-${point}` };
      const first = await uploadImage(url, productId, image, { headers: { ...admin, ...key }, alt: 'crash' }).catch(
        () => null,
      );
      expect(first, 'the first run dies without answering').toBeNull();
      expect(await child.exited).toBeNull(); // killed by a signal
      expect(await api.deps.blobs.head(`media/${hash}/original`), 'stored before it died').not.toBeNull();
      expect((await imageEvents(productId)).length).toBe(point === 'image-stored' ? 0 : 1);
      await new Promise((r) => setTimeout(r, 1100)); // the key's lock lapses

      const retry = await upload(productId, image, { alt: 'crash', headers: key });
      expect(retry.status, retry.text).toBe(201);
      expect(retry.body.image).toMatchObject({ key: `media/${hash}/original`, alt: 'crash', width: 500, height: 400 });
      expect((await imageEvents(productId)).map((e) => e.type)).toEqual(['ProductImageAdded']);
      expect((await api.deps.blobs.list(`media/${hash}/`)).map((b) => b.key)).toEqual([`media/${hash}/original`]);
      const again = await upload(productId, image, { alt: 'crash', headers: key });
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(again.body).toEqual(retry.body);
    },
  );
});

describe('PUT /admin/products/:productId/images', () => {
  it('reorders, changes alt texts and removes, keeping each upload’s size', async () => {
    const productId = await newProduct('order');
    const front = await upload(productId, await testImage({ width: 400, height: 300, colour: '#111111' }), {
      alt: 'front',
    });
    const back = await upload(productId, await testImage({ width: 300, height: 400, colour: '#222222' }), {
      alt: 'back',
    });
    expect([front.status, back.status]).toEqual([201, 201]);
    const put = (images: { key: string; alt: string }[]) =>
      api.api.request('PUT', `/admin/products/${productId}/images`, { headers: admin, body: { images } });
    const reordered = await put([
      { key: back.body.image.key, alt: 'the back' },
      { key: front.body.image.key, alt: 'front' },
    ]);
    expect(reordered.status, reordered.text).toBe(200);
    const events = await imageEvents(productId);
    expect(events.at(-1)).toEqual({
      type: 'ProductImagesSet',
      data: {
        productId,
        images: [
          { key: back.body.image.key, alt: 'the back', width: 300, height: 400 },
          { key: front.body.image.key, alt: 'front', width: 400, height: 300 },
        ],
      },
    });
    expect((await put([{ key: front.body.image.key, alt: 'front' }])).status).toBe(200);
    // An upload the product does not have (any more) comes back by upload only.
    const unknown = await put([{ key: back.body.image.key, alt: 'back again' }]);
    expect(unknown.status).toBe(422);
    expect(unknown.body).toMatchObject({ type: '/problems/image-not-uploaded' });
    // The size comes from the upload, never from the client.
    const sized = await api.api.request('PUT', `/admin/products/${productId}/images`, {
      headers: admin,
      body: { images: [{ key: front.body.image.key, alt: 'front', width: 1, height: 1 }] },
    });
    expect(sized.status).toBe(400);
  });
});
