import { encodeCursor } from '@flowdose/contract/cursor';
import { type AdminProduct, AdminProductListQuery, type AdminProductPage, NoQuery } from '@flowdose/contract/query-api';
import { NotFoundError } from '@flowdose/domain/errors';
import { findAdminProduct, listAdminProducts } from '@flowdose/projections/read-models/catalog/queries';
import { CATALOG } from '@flowdose/projections/read-models/catalog/tables';
import { INVENTORY } from '@flowdose/projections/read-models/inventory/tables';
import { validate } from '@flowdose/shared/http/validate';
import { Router } from 'express';
import type { Deps } from '../deps.ts';
import { minPosition } from '../min-position.ts';
import type { ImageShower } from '../shown-images.ts';
import { sendFresh, staffRead } from './staff.ts';

export function adminProductRoutes({ pool, waitForPosition }: Deps, show: ImageShower): Router {
  const router = Router();
  router.get('/admin/products', staffRead, async (req, res) => {
    const { cursor, ...query } = validate(AdminProductListQuery, req.query);
    await minPosition(req, waitForPosition, CATALOG);
    const { items, last, more } = await listAdminProducts(pool, { ...query, ...(cursor ? { after: cursor } : {}) });
    sendFresh(res, { items, nextCursor: more && last ? encodeCursor(last) : null } satisfies AdminProductPage);
  });

  router.get('/admin/products/:productId', staffRead, async (req, res) => {
    validate(NoQuery, req.query);
    await minPosition(req, waitForPosition, CATALOG, INVENTORY);
    const product = await findAdminProduct(pool, String(req.params.productId));
    if (!product) throw new NotFoundError('Product');
    sendFresh(res, { ...product, images: await Promise.all(product.images.map(show)) } satisfies AdminProduct);
  });
  return router;
}
