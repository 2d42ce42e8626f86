import { CancelBody, ORDER_STEP_ROLES, RefundBody, ShipBody } from '@flowdose/domain/contract/command-api';
import { NoBody } from '@flowdose/domain/contract/common';
import { NotFoundError } from '@flowdose/domain/errors';
import { Id } from '@flowdose/domain/ids';
import { positionToken } from '@flowdose/shared/event-store/position';
import { requireRole } from '@flowdose/shared/http/auth';
import { idempotent } from '@flowdose/shared/http/idempotency';
import { validate } from '@flowdose/shared/http/validate';
import { type Request, type Response, Router } from 'express';
import type { Deps } from '../deps.ts';
import { cancelOrder, captureOrder, deliverOrder, fulfilOrder, refundOrder, shipOrder } from '../order-actions.ts';

const orderIdOf = (req: Request) => {
  const orderId = String(req.params.orderId);
  if (!Id.safeParse(orderId).success) throw new NotFoundError('Order');
  return orderId;
};

/** Staff move an order along its lifecycle; an illegal step answers 409 naming the allowed ones. */
export function adminOrderRoutes(deps: Deps): Router {
  const router = Router();
  const byStaff = idempotent(
    deps.pool,
    (req) => `admin:${req.principal!.userId}`,
    deps.config.IDEMPOTENCY_LOCK_SECONDS,
  );
  const may = (step: keyof typeof ORDER_STEP_ROLES) => [requireRole(...ORDER_STEP_ROLES[step]), byStaff];
  const done = (res: Response, { position }: { position: Parameters<typeof positionToken>[0] }) =>
    res.json({ position: positionToken(position) });

  router.post('/admin/orders/:orderId/capture', ...may('capture'), async (req, res) => {
    validate(NoBody, req.body ?? {});
    done(res, await captureOrder(deps, req.context, orderIdOf(req)));
  });
  router.post('/admin/orders/:orderId/fulfil', ...may('fulfil'), async (req, res) => {
    validate(NoBody, req.body ?? {});
    done(res, await fulfilOrder(deps, req.context, orderIdOf(req)));
  });
  router.post('/admin/orders/:orderId/ship', ...may('ship'), async (req, res) => {
    const { trackingNumber } = validate(ShipBody, req.body);
    done(res, await shipOrder(deps, req.context, orderIdOf(req), trackingNumber));
  });
  router.post('/admin/orders/:orderId/deliver', ...may('deliver'), async (req, res) => {
    validate(NoBody, req.body ?? {});
    done(res, await deliverOrder(deps, req.context, orderIdOf(req)));
  });
  router.post('/admin/orders/:orderId/cancel', ...may('cancel'), async (req, res) => {
    const { reason } = validate(CancelBody, req.body);
    done(res, await cancelOrder(deps, req.context, orderIdOf(req), reason));
  });
  router.post('/admin/orders/:orderId/refund', ...may('refund'), async (req, res) => {
    const { amount, reason } = validate(RefundBody, req.body);
    done(res, await refundOrder(deps, req.context, orderIdOf(req), amount, reason));
  });

  return router;
}
