import { Category } from '@flowdose/shared/domain/product/events';
import { NotFoundError } from '@flowdose/shared/errors';
import { validate } from '@flowdose/shared/http/validate';
import { Id } from '@flowdose/shared/ids';
import { Currency } from '@flowdose/shared/money';
import { Router } from 'express';
import { z } from 'zod';
import { Cursor, encodeCursor } from '../cursor.ts';
import type { Deps } from '../deps.ts';
import { minPosition } from '../min-position.ts';
import { findProduct, listCategories, listProducts } from '../read-models/catalog.ts';

const Price = z.coerce.number().int().min(0).max(100_000_000);
const ListQuery = z
  .strictObject({
    currency: Currency.default('EUR'),
    category: Category.optional(),
    tag: Category.optional(),
    q: z.string().trim().min(1).max(100).optional(),
    minPrice: Price.optional(),
    maxPrice: Price.optional(),
    inStock: z
      .enum(['true', 'false'])
      .transform((v) => v === 'true')
      .optional(),
    sort: z.enum(['newest', 'title', 'price_asc', 'price_desc']).default('newest'),
    limit: z.coerce.number().int().min(1).max(100).default(24),
    cursor: Cursor.optional(),
  })
  .refine(
    // A cursor only this sort could have made: its key's type, and a product id.
    ({ sort, cursor }) =>
      !cursor || (Id.safeParse(cursor[1]).success && typeof cursor[0] === (sort === 'title' ? 'string' : 'number')),
    { path: ['cursor'], message: 'not a cursor from a previous page of this sort' },
  );

// Public and the same for everyone: browsers, the service worker and proxies may keep it
// briefly, revalidating by ETag.
const CATALOG_CACHE = 'public, max-age=30, stale-while-revalidate=300';

export function productRoutes({ pool, waitForPosition }: Deps): Router {
  const router = Router();

  router.get('/products', async (req, res) => {
    const { cursor, ...query } = validate(ListQuery, req.query);
    await minPosition(req, waitForPosition, 'catalog', 'inventory');
    const { items, last, more } = await listProducts(pool, { ...query, ...(cursor ? { after: cursor } : {}) });
    res.set('Cache-Control', CATALOG_CACHE);
    res.json({ items, nextCursor: more && last ? encodeCursor(last) : null });
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
    res.json(product);
  });

  return router;
}
