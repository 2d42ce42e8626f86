import type { SavedAddresses } from '@flowdose/contract/query-api';
import { addressesOf } from '@flowdose/projections/read-models/customers/queries';
import { CUSTOMERS } from '@flowdose/projections/read-models/customers/tables';
import { requireRole } from '@flowdose/shared/http/auth';
import { Router } from 'express';
import type { Deps } from '../deps.ts';
import { minPosition } from '../min-position.ts';

/** The signed-in customer's address book, as the customers read model keeps it. */
export function meAddressRoutes({ pool, waitForPosition }: Deps): Router {
  const router = Router();

  router.get('/me/addresses', requireRole('customer'), async (req, res) => {
    await minPosition(req, waitForPosition, CUSTOMERS);
    res.set('Cache-Control', 'private, no-cache');
    res.json({ items: await addressesOf(pool, req.principal!.userId) } satisfies SavedAddresses);
  });

  return router;
}
