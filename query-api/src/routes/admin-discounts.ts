import { encodeCursor } from '@flowdose/contract/cursor';
import { DiscountListQuery, type DiscountPage } from '@flowdose/contract/query-api';
import { listDiscounts } from '@flowdose/projections/read-models/discounts/queries';
import { DISCOUNTS } from '@flowdose/projections/read-models/discounts/tables';
import { validate } from '@flowdose/shared/http/validate';
import { Router } from 'express';
import type { Deps } from '../deps.ts';
import { minPosition } from '../min-position.ts';
import { sendFresh, staffRead } from './staff.ts';

export function adminDiscountRoutes({ pool, waitForPosition }: Deps): Router {
  const router = Router();
  router.get('/admin/discounts', staffRead, async (req, res) => {
    const { cursor, limit } = validate(DiscountListQuery, req.query);
    await minPosition(req, waitForPosition, DISCOUNTS);
    const { items, last, more } = await listDiscounts(pool, { limit, ...(cursor ? { after: cursor } : {}) });
    sendFresh(res, { items, nextCursor: more && last ? encodeCursor(last) : null } satisfies DiscountPage);
  });
  return router;
}
