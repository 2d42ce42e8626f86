import { projections } from '@flowdose/projections/registry';
import { projectionStatus } from '@flowdose/projections/status';
import { Email } from '@flowdose/shared/auth/passwords';
import { requireRole } from '@flowdose/shared/http/auth';
import { validate } from '@flowdose/shared/http/validate';
import { Id } from '@flowdose/shared/ids';
import { Router } from 'express';
import { z } from 'zod';
import { Cursor, encodeCursor } from '../cursor.ts';
import type { Deps } from '../deps.ts';
import { minPosition } from '../min-position.ts';
import { listOrders } from '../read-models/orders.ts';

const When = z.iso
  .datetime({ offset: true })
  .or(z.iso.date())
  .transform((s) => new Date(s));
const OrderListQuery = z.strictObject({
  status: z.enum(['placed', 'authorized', 'captured', 'fulfilled', 'shipped', 'delivered', 'canceled']).optional(),
  from: When.optional(),
  to: When.optional(),
  customer: z.union([Id.transform((id) => ({ id })), Email.transform((email) => ({ email }))]).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: Cursor.refine(
    ([at, id]) => typeof at === 'string' && !Number.isNaN(Date.parse(at)) && Id.safeParse(id).success,
    'not a cursor from a previous page',
  ).optional(),
});

export function adminRoutes({ pool, store, waitForPosition }: Deps): Router {
  const router = Router();
  router.get('/admin/projections', requireRole('ops', 'admin'), async (_req, res) => {
    res.set('Cache-Control', 'no-store');
    res.json({ projections: await projectionStatus(pool, store, projections) });
  });

  router.get('/admin/orders', requireRole('admin', 'ops', 'analyst'), async (req, res) => {
    const { cursor, ...filter } = validate(OrderListQuery, req.query);
    await minPosition(req, waitForPosition, 'orders');
    const { items, last, more } = await listOrders(pool, { ...filter, ...(cursor ? { after: cursor } : {}) });
    res.set('Cache-Control', 'no-store');
    res.json({ items, nextCursor: more && last ? encodeCursor(last) : null });
  });
  return router;
}
