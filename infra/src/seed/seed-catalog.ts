import { randomUUID } from 'node:crypto';
import { signAccessToken } from '@flowdose/shared/auth/tokens';
import type { DemoProduct } from './demo-catalog.ts';
import { drawDemoImage } from './demo-images.ts';

/**
 * The Idempotency-Key of each step of the seed: the same each run, so a rerun after an
 * interruption is answered what the first run was answered, and the steps an earlier run
 * recorded can be found in the log (seeded.ts) and skipped.
 */
export const seedKeys = {
  create: (handle: string) => `seed-create-${handle}`,
  image: (handle: string, index: number) => `seed-image-${handle}-${index}`,
  stock: (sku: string) => `seed-stock-${sku}`,
  publish: (handle: string) => `seed-publish-${handle}`,
};

/** What earlier runs of the seed recorded: their steps' keys, and the products they created. */
export type Seeded = { keys: ReadonlySet<string>; productIds: ReadonlyMap<string, string> };
const NOTHING_SEEDED: Seeded = { keys: new Set(), productIds: new Map() };

type Target = { commandsUrl: string; jwtSecret: string; seeded?: Seeded };

/** The admin routes, as the seed's own staff admin (its events say who made them). */
async function seeder({ commandsUrl, jwtSecret }: Target) {
  const identity = { userId: '00000000-0000-4000-8000-000000005eed', role: 'admin' as const, sessionId: randomUUID() };
  const token = await signAccessToken(jwtSecret, identity, 3600);
  return async (path: string, key: string, body?: unknown) => {
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
}

/** Runs `each` over the items, `concurrency` at a time, taking no new one once `signal` aborts. */
async function inParallel<T>(
  items: readonly T[],
  concurrency: number,
  each: (item: T) => Promise<void>,
  signal?: AbortSignal,
) {
  let next = 0;
  const worker = async () => {
    while (next < items.length && !signal?.aborted) await each(items[next++]!);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/**
 * Creates products through the command API's admin routes, so the catalog exists as events
 * like any other, with their stock and, unless `pictures` is false, their pictures (drawn
 * here, uploaded like a back office's; their renditions are made afterwards by the
 * projections service). A few requests in flight at once. Steps `seeded` names are skipped,
 * the rest are answered once whatever happens (Idempotency-Key). `onProgress` counts products
 * done; answers each product's id by its handle.
 */
export async function seedCatalog({
  products,
  onProgress = () => {},
  concurrency = 4,
  pictures = true,
  ...target
}: Target & {
  products: DemoProduct[];
  onProgress?: (done: number) => void;
  concurrency?: number;
  pictures?: boolean;
}): Promise<Map<string, string>> {
  const seeded = target.seeded ?? NOTHING_SEEDED;
  const post = await seeder(target);
  const unlessSeeded = async (path: string, key: string, body?: unknown) => {
    if (!seeded.keys.has(key)) await post(path, key, body);
  };
  const ids = new Map<string, string>();
  let done = 0;
  await inParallel(products, concurrency, async (demo) => {
    const { publish, stock, images, ...product } = demo;
    const productId =
      seeded.productIds.get(product.handle) ??
      (await post('/admin/products', seedKeys.create(product.handle), product)).productId!;
    ids.set(product.handle, productId);
    // Before it is published, so a published product shows its cover at once.
    if (pictures) await uploadPictures(post, seeded, demo, productId);
    for (const [sku, quantity] of Object.entries(stock)) {
      if (quantity > 0)
        await unlessSeeded(`/admin/inventory/${sku}/restock`, seedKeys.stock(sku), { quantity, reason: 'demo stock' });
    }
    if (publish) await unlessSeeded(`/admin/products/${productId}/publish`, seedKeys.publish(product.handle));
    onProgress(++done);
  });
  return ids;
}

type Post = Awaited<ReturnType<typeof seeder>>;

/** A product's pictures, in order (the first is the cover); the same drawing each run, so a rerun's key matches. */
async function uploadPictures(
  post: Post,
  seeded: Seeded,
  demo: DemoProduct,
  productId: string,
  { onEach = () => {}, signal }: { onEach?: () => void; signal?: AbortSignal | undefined } = {},
) {
  for (const [i, image] of demo.images.entries()) {
    const key = seedKeys.image(demo.handle, i);
    if (seeded.keys.has(key)) continue;
    if (signal?.aborted) return;
    const form = new FormData();
    form.set('file', new Blob([new Uint8Array(await drawDemoImage(demo, image))], { type: 'image/webp' }), `${i}.webp`);
    form.set('alt', image.alt);
    await post(`/admin/products/${productId}/images`, key, form);
    onEach();
  }
}

/** The pictures of products already created, that `seeded` does not name yet. */
export const picturesToSeed = (products: readonly DemoProduct[], seeded: Seeded = NOTHING_SEEDED) =>
  products.reduce((n, p) => n + p.images.filter((_, i) => !seeded.keys.has(seedKeys.image(p.handle, i))).length, 0);

/**
 * The pictures of products `seedCatalog({ pictures: false })` created, uploaded afterwards
 * (`productIds`, by handle, is what it answered). Two at a time: it runs beside a shop in
 * use. `onProgress` counts pictures uploaded; `signal` stops it between pictures.
 */
export async function seedPictures({
  products,
  productIds,
  onProgress = () => {},
  concurrency = 2,
  signal,
  ...target
}: Target & {
  products: DemoProduct[];
  productIds: ReadonlyMap<string, string>;
  onProgress?: (uploaded: number) => void;
  concurrency?: number;
  signal?: AbortSignal;
}): Promise<void> {
  const post = await seeder(target);
  let uploaded = 0;
  await inParallel(
    products,
    concurrency,
    async (demo) => {
      const productId = productIds.get(demo.handle);
      if (!productId) throw new Error(`${demo.handle} was not created`);
      await uploadPictures(post, target.seeded ?? NOTHING_SEEDED, demo, productId, {
        onEach: () => onProgress(++uploaded),
        signal,
      });
    },
    signal,
  );
}
