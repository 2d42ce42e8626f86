import { encodeCursor } from '@flowdose/domain/contract/cursor';
import { ProductListQuery } from '@flowdose/domain/contract/query-api';
import { NotFoundError } from '@flowdose/domain/errors';
import { findProduct, listCategories, listProducts } from '@flowdose/projections/read-models/catalog/queries';
import { validate } from '@flowdose/shared/http/validate';
import { Router } from 'express';
import type { Deps } from '../deps.ts';
import { minPosition } from '../min-position.ts';
import { imageShower } from '../shown-images.ts';

// Public and the same for everyone: browsers, the service worker and proxies may keep it
// briefly, revalidating by ETag.
const CATALOG_CACHE = 'public, max-age=30, stale-while-revalidate=300';

export function productRoutes({ pool, waitForPosition, config, blobs, logger }: Deps): Router {
  const router = Router();
  const show = imageShower({ blobs, base: config.MEDIA_PUBLIC_BASE_URL, logger });

  router.get('/products', async (req, res) => {
    const { cursor, ...query } = validate(ProductListQuery, req.query);
    await minPosition(req, waitForPosition, 'catalog', 'inventory');
    const { items, last, more } = await listProducts(pool, { ...query, ...(cursor ? { after: cursor } : {}) });
    res.set('Cache-Control', CATALOG_CACHE);
    res.json({
      items: await Promise.all(items.map(async (item) => ({ ...item, image: item.image && (await show(item.image)) }))),
      nextCursor: more && last ? encodeCursor(last) : null,
    });
  });

  router.get('/categories', async (req, res) => {
    await minPosition(req, waitForPosition, 'catalog');
    res.set('Cache-Control', CATALOG_CACHE);
    res.json({ items: await listCategories(pool) });
  });

  router.get('/products/:idOrHandle', async (req, res) => {
    const idOrHandle = String(req.params.idOrHandle);
    if (idOrHandle.length > 120) throw new NotFoundError('Product');
    await minPosition(req, waitForPosition, 'catalog', 'inventory');
    const product = await findProduct(pool, idOrHandle);
    if (!product) throw new NotFoundError('Product');
    res.set('Cache-Control', CATALOG_CACHE);
    res.json({ ...product, images: await Promise.all(product.images.map(show)) });
  });

  return router;
}
