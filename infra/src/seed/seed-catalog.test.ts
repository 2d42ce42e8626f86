import { startCommandApi } from '@flowdose/command-api/harness.test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoCatalog } from './demo-catalog.ts';
import { picturesToSeed, seedCatalog, seedPictures } from './seed-catalog.ts';
import { readSeeded } from './seeded.ts';

let harness: Awaited<ReturnType<typeof startCommandApi>>;
beforeAll(async () => {
  harness = await startCommandApi();
});
afterAll(() => harness.close());

const countOf = async (type: string) =>
  Number((await harness.db.pool.query('select count(*) from events where type = $1', [type])).rows[0].count);

describe('demo catalog seed', () => {
  it('creates the products and their pictures through the commands, and a rerun doubles nothing', async () => {
    const products = demoCatalog(40);
    const seed = (list = products) =>
      seedCatalog({ commandsUrl: harness.api.url, jwtSecret: harness.config.AUTH_JWT_SECRET, products: list });
    // An interrupted first run, then the whole seed again.
    await seed(products.slice(0, 15));
    await seed();
    expect(await countOf('ProductCreated')).toBe(40);
    expect(await countOf('VariantAdded')).toBe(products.reduce((n, p) => n + p.variants.length, 0));
    expect(await countOf('ProductPublished')).toBe(products.filter((p) => p.publish).length);
    const stocked = products.flatMap((p) => Object.values(p.stock)).filter((n) => n > 0).length;
    expect(await countOf('StockRestocked')).toBe(stocked);
    const pictures = products.reduce((n, p) => n + p.images.length, 0);
    expect(await countOf('ProductImageAdded')).toBe(pictures);
    // Each one a file of its own in the blob store, 960 × 720, its alt text recorded.
    const added = await harness.db.pool.query<{ image: { key: string; alt: string; width: number; height: number } }>(
      "select data->'image' as image from events where type = 'ProductImageAdded'",
    );
    expect(new Set(added.rows.map((r) => r.image.key)).size).toBe(pictures);
    expect(added.rows.every((r) => r.image.width === 960 && r.image.height === 720 && r.image.alt)).toBe(true);
    const { rows } = await harness.db.pool.query(
      "select metadata->'actor' as actor from events where type = 'ProductCreated' limit 1",
    );
    expect(rows[0].actor).toEqual({ userId: '00000000-0000-4000-8000-000000005eed', role: 'admin' });
  });

  it('seeds the products first and their pictures later, resuming from what the log says was done', async () => {
    // Products other tests do not seed, picture by picture.
    const products = demoCatalog(52).slice(40);
    const target = { commandsUrl: harness.api.url, jwtSecret: harness.config.AUTH_JWT_SECRET };
    const [created, before] = [await countOf('ProductCreated'), await countOf('ProductImageAdded')];
    const ids = await seedCatalog({ ...target, products, pictures: false });
    expect(await countOf('ProductCreated')).toBe(created + products.length);
    expect(await countOf('ProductImageAdded')).toBe(before);

    // Interrupted after the first few pictures…
    const stop = new AbortController();
    let uploaded = 0;
    await seedPictures({
      ...target,
      products,
      productIds: ids,
      concurrency: 1,
      signal: stop.signal,
      onProgress: (n) => {
        uploaded = n;
        if (n === 3) stop.abort();
      },
    });
    expect(uploaded).toBe(3);
    // …then resumed from the log: only what is missing is sent.
    const seeded = await readSeeded(harness.db.pool);
    if (seeded === 'own') throw new Error('the demo catalog is not the shop’s own');
    expect(seeded.productIds.get(products[0]!.handle)).toBe(ids.get(products[0]!.handle));
    const owed = picturesToSeed(products, seeded);
    expect(owed).toBe(products.reduce((n, p) => n + p.images.length, 0) - 3);
    let sent = 0;
    await seedCatalog({ ...target, products, pictures: false, seeded });
    await seedPictures({ ...target, products, productIds: seeded.productIds, seeded, onProgress: (n) => (sent = n) });
    expect(sent).toBe(owed);
    expect(await countOf('ProductImageAdded')).toBe(before + owed + 3);
    expect(picturesToSeed(products, (await readSeeded(harness.db.pool)) as Exclude<typeof seeded, 'own'>)).toBe(0);
  });

  it('makes a varied catalog: 500 products, unique handles and SKUs, options that fit, EUR and USD prices', () => {
    const catalog = demoCatalog(500);
    const skus = catalog.flatMap((p) => p.variants.map((v) => v.sku));
    expect(catalog).toHaveLength(500);
    expect(new Set(catalog.map((p) => p.handle)).size).toBe(500);
    expect(new Set(skus).size).toBe(skus.length);
    expect(new Set(catalog.map((p) => p.category)).size).toBeGreaterThanOrEqual(7);
    expect(catalog.every((p) => p.variants.every((v) => v.prices.EUR && v.prices.USD))).toBe(true);
    expect(skus).toEqual(expect.arrayContaining(['TSHIRT-RED-M', 'MUG-WHITE']));
    const units = catalog.flatMap((p) => p.variants.map((v) => p.stock[v.sku]));
    expect(units.every((n) => n !== undefined && n >= 0)).toBe(true);
    expect(units.filter((n) => n === 0).length).toBeGreaterThan(10);
    expect(units.filter((n) => n! > 0 && n! <= 3).length).toBeGreaterThan(50);
    const pictures = catalog.map((p) => p.images.length);
    expect(pictures.every((n) => n >= 1 && n <= 3)).toBe(true);
    expect(new Set(pictures).size).toBe(3);
  });
});
