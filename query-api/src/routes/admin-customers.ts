import { encodeCursor } from '@flowdose/contract/cursor';
import { type CustomerDetail, CustomerListQuery, type CustomerPage, NoQuery } from '@flowdose/contract/query-api';
import { NotFoundError } from '@flowdose/domain/errors';
import { Id } from '@flowdose/domain/ids';
import { findCustomer, listCustomers } from '@flowdose/projections/read-models/customers/queries';
import { CUSTOMERS } from '@flowdose/projections/read-models/customers/tables';
import { listOrders } from '@flowdose/projections/read-models/orders/queries';
import { ORDERS } from '@flowdose/projections/read-models/orders/tables';
import { validate } from '@flowdose/shared/http/validate';
import { Router } from 'express';
import type { Deps } from '../deps.ts';
import { minPosition } from '../min-position.ts';
import { sendFresh, staffRead } from './staff.ts';

const RECENT_ORDERS = 20;

export function adminCustomerRoutes({ pool, waitForPosition }: Deps): Router {
  const router = Router();
  router.get('/admin/customers', staffRead, async (req, res) => {
    const { email, cursor, limit } = validate(CustomerListQuery, req.query);
    await minPosition(req, waitForPosition, CUSTOMERS);
    const { items, last, more } = await listCustomers(pool, {
      limit,
      ...(email ? { email } : {}),
      ...(cursor ? { after: cursor } : {}),
    });
    sendFresh(res, { items, nextCursor: more && last ? encodeCursor(last) : null } satisfies CustomerPage);
  });

  router.get('/admin/customers/:customerId', staffRead, async (req, res) => {
    validate(NoQuery, req.query);
    const customerId = String(req.params.customerId);
    if (!Id.safeParse(customerId).success) throw new NotFoundError('Customer');
    await minPosition(req, waitForPosition, CUSTOMERS, ORDERS);
    const customer = await findCustomer(pool, customerId);
    if (!customer) throw new NotFoundError('Customer');
    const recent = await listOrders(pool, { customer: { id: customerId }, limit: RECENT_ORDERS });
    sendFresh(res, { ...customer, recentOrders: recent.items } satisfies CustomerDetail);
  });
  return router;
}
