import { encodeCursor } from '@flowdose/contract/cursor';
import { InventoryListQuery, type InventoryPage, NoQuery, type StockDetail } from '@flowdose/contract/query-api';
import { NotFoundError } from '@flowdose/domain/errors';
import { CATALOG } from '@flowdose/projections/read-models/catalog/tables';
import { findStock, listStock } from '@flowdose/projections/read-models/inventory/queries';
import { INVENTORY } from '@flowdose/projections/read-models/inventory/tables';
import { validate } from '@flowdose/shared/http/validate';
import { Router } from 'express';
import type { Deps } from '../deps.ts';
import { minPosition } from '../min-position.ts';
import { sendFresh, staffRead } from './staff.ts';

export function adminInventoryRoutes({ pool, config, waitForPosition }: Deps): Router {
  const router = Router();
  router.get('/admin/inventory', staffRead, async (req, res) => {
    const { q, low, cursor, limit } = validate(InventoryListQuery, req.query);
    await minPosition(req, waitForPosition, INVENTORY, CATALOG);
    const { items, last, more } = await listStock(pool, {
      limit,
      ...(q ? { q } : {}),
      ...(low ? { atMost: config.LOW_STOCK_THRESHOLD } : {}),
      ...(cursor ? { after: cursor[0] } : {}),
    });
    sendFresh(res, { items, nextCursor: more && last ? encodeCursor([last]) : null } satisfies InventoryPage);
  });

  router.get('/admin/inventory/:sku', staffRead, async (req, res) => {
    validate(NoQuery, req.query);
    await minPosition(req, waitForPosition, INVENTORY, CATALOG);
    const stock = await findStock(pool, String(req.params.sku));
    if (!stock) throw new NotFoundError('SKU');
    sendFresh(res, stock satisfies StockDetail);
  });
  return router;
}
