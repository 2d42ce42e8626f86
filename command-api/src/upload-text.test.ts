import { testConfig } from '@flowdose/shared/config';
import { bearerFor } from '@flowdose/testing/auth';
import { testImage, uploadImage } from '@flowdose/testing/images';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newProduct as createProduct, startCommandApi } from './harness.test-support.ts';

// Every text a client sends goes through the same checks, whatever carried it: a multipart
// form's field as a JSON body's string (shared/src/http/json-body.ts, checkText).
const config = testConfig({ COMMANDS_PER_MINUTE: '100000' });
let api: Awaited<ReturnType<typeof startCommandApi>>;
let admin: Record<string, string>;
beforeAll(async () => {
  api = await startCommandApi(config);
  admin = await bearerFor(config.AUTH_JWT_SECRET, 'admin');
});
afterAll(() => api.close());

const newProduct = (handle: string) => createProduct(api.api, admin, handle);

describe('text fields of an upload', () => {
  it('refuses a NUL in the alt text as a 400 naming the field, as in a JSON body, and records nothing', async () => {
    const productId = await newProduct('nul-alt');
    const res = await uploadImage(api.api.url, productId, await testImage({ width: 200, height: 100 }), {
      alt: 'a red\u0000 shirt',
      headers: admin,
    });
    expect(res.status, res.text).toBe(400);
    expect(JSON.parse(res.text)).toMatchObject({
      errors: [{ path: 'alt', message: 'holds a NUL character or a lone UTF-16 surrogate' }],
    });
    const json = await api.api.request('PUT', `/admin/products/${productId}/images`, {
      headers: admin,
      body: { images: [{ key: 'x', alt: 'a red\u0000 shirt' }] },
    });
    expect(json.status).toBe(400);
    expect(JSON.stringify(json.body)).toContain('holds a NUL character or a lone UTF-16 surrogate');
    const { rows } = await api.db.pool.query(
      `select 1 from events where stream_id = $1 and type like 'ProductImage%'`,
      [`product-${productId}`],
    );
    expect(rows).toEqual([]);
  });

  it('takes the same alt text without the NUL', async () => {
    const productId = await newProduct('plain-alt');
    const res = await uploadImage(api.api.url, productId, await testImage({ width: 200, height: 100 }), {
      alt: 'a red shirt',
      headers: admin,
    });
    expect(res.status, res.text).toBe(201);
  });
});
