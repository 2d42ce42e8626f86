import type { ShownImage } from '@flowdose/contract/common';
import { encodeCursor } from '@flowdose/contract/cursor';
import { type Categories, type ProductDetail, ProductListQuery, type ProductPage } from '@flowdose/contract/query-api';
import { NotFoundError } from '@flowdose/domain/errors';
import { findProduct, listCategories, listProducts } from '@flowdose/projections/read-models/catalog/queries';
import { CATALOG } from '@flowdose/projections/read-models/catalog/tables';
import { INVENTORY } from '@flowdose/projections/read-models/inventory/tables';
import { validate } from '@flowdose/shared/http/validate';
import { Router } from 'express';
import type { Deps } from '../deps.ts';
import type { ReadCache } from '../read-cache.ts';
import { allShown, type ImageShower } from '../shown-images.ts';

// Products with their availability: the catalog's read model and the inventory's.
const CATALOG_READ = [CATALOG, INVENTORY];

export function productRoutes({ pool }: Deps, cache: ReadCache, show: ImageShower): Router {
  const router = Router();

  router.get('/products', async (req, res) => {
    const { cursor, ...query } = validate(ProductListQuery, req.query);
    // Keyed by the query as validated (defaults filled in), so equal queries share an entry.
    const key = `products:${JSON.stringify([query, cursor ?? null])}`;
    await cache.serve(
      req,
      res,
      {
        route: 'products',
        key,
        projections: CATALOG_READ,
        keep: (page) => allShown(page.items.map((item) => item.image)),
      },
      async () => {
        const { items, last, more } = await listProducts(pool, { ...query, ...(cursor ? { after: cursor } : {}) });
        return {
          items: await Promise.all(
            items.map(async (item) => ({ ...item, image: item.image && (await show(item.image)) })),
          ),
          nextCursor: more && last ? encodeCursor(last) : null,
        } satisfies ProductPage;
      },
    );
  });

  router.get('/categories', async (req, res) => {
    await cache.serve(
      req,
      res,
      { route: 'categories', key: 'categories', projections: [CATALOG] },
      async () => ({ items: await listCategories(pool) }) satisfies Categories,
    );
  });

  router.get('/products/:idOrHandle', async (req, res) => {
    const idOrHandle = String(req.params.idOrHandle);
    if (idOrHandle.length > 120) throw new NotFoundError('Product');
    const spec = {
      route: 'product',
      key: `product:${idOrHandle}`,
      projections: CATALOG_READ,
      keep: (detail: { images: ShownImage[] }) => allShown(detail.images),
    };
    await cache.serve(req, res, spec, async () => {
      const product = await findProduct(pool, idOrHandle);
      // Not cached: an unknown product answers 404 from the read model each time.
      if (!product) throw new NotFoundError('Product');
      return { ...product, images: await Promise.all(product.images.map(show)) } satisfies ProductDetail;
    });
  });

  return router;
}
