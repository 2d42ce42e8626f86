import { randomUUID } from 'node:crypto';
import { signAccessToken } from '@flowdose/shared/auth/tokens';
import type { DemoProduct } from './demo-catalog.ts';
import { drawDemoImage } from './demo-images.ts';

/**
 * Creates products through the command API's admin routes, so the catalog exists as events
 * like any other, with their pictures (drawn here, uploaded like a back office's). A few
 * requests in flight at once; each has an Idempotency-Key, so a rerun after an interruption
 * answers the ones already made without doubling them. `onProgress` counts products done,
 * images included; their renditions are made afterwards by the projections service.
 */
export async function seedCatalog({
  commandsUrl,
  jwtSecret,
  products,
  onProgress = () => {},
  concurrency = 4,
}: {
  commandsUrl: string;
  jwtSecret: string;
  products: DemoProduct[];
  onProgress?: (done: number) => void;
  concurrency?: number;
}): Promise<void> {
  // The seed acts as a staff admin of its own, so its events say who made them.
  const seeder = { userId: '00000000-0000-4000-8000-000000005eed', role: 'admin' as const, sessionId: randomUUID() };
  const token = await signAccessToken(jwtSecret, seeder, 3600);
  const post = async (path: string, key: string, body?: unknown) => {
    // A FormData body sets its own multipart content type (with its boundary).
    const send = () =>
      fetch(commandsUrl + path, {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${token}`,
          'Idempotency-Key': key,
          ...(body instanceof FormData ? {} : { 'content-type': 'application/json' }),
        },
        ...(body instanceof FormData ? { body } : body ? { body: JSON.stringify(body) } : {}),
      });
    let res = await send();
    // A rate limit says when to come back; the Idempotency-Key makes the retry safe.
    while (res.status === 429) {
      await new Promise((r) => setTimeout(r, Number(res.headers.get('retry-after') ?? 1) * 1000));
      res = await send();
    }
    const json = (await res.json()) as { productId?: string; detail?: string };
    if (!res.ok) throw new Error(`${path}: ${res.status} ${json.detail ?? ''}`);
    return json;
  };
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < products.length) {
      const demo = products[next++]!;
      const { publish, stock, images, ...product } = demo;
      const { productId } = await post('/admin/products', `seed-create-${product.handle}`, product);
      // In order (the first is the cover); the same drawing each run, so a rerun's key matches.
      for (const [i, image] of images.entries()) {
        const form = new FormData();
        form.set(
          'file',
          new Blob([new Uint8Array(await drawDemoImage(demo, image))], { type: 'image/webp' }),
          `${i}.webp`,
        );
        form.set('alt', image.alt);
        await post(`/admin/products/${productId}/images`, `seed-image-${product.handle}-${i}`, form);
      }
      for (const [sku, quantity] of Object.entries(stock)) {
        if (quantity > 0)
          await post(`/admin/inventory/${sku}/restock`, `seed-stock-${sku}`, { quantity, reason: 'demo stock' });
      }
      if (publish) await post(`/admin/products/${productId}/publish`, `seed-publish-${product.handle}`);
      onProgress(++done);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}
