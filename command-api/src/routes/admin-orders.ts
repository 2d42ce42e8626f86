import { CancelBody, ORDER_STEP_ROLES, RefundBody, ShipBody } from '@flowdose/contract/command-api';
import { NoBody } from '@flowdose/contract/common';
import { NotFoundError } from '@flowdose/domain/errors';
import { Id } from '@flowdose/domain/ids';
import { STAFF_STEPS, type StaffStep } from '@flowdose/domain/order/lifecycle';
import { type Position, positionToken } from '@flowdose/shared/event-store/position';
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

/**
 * What each step staff take validates and runs (the body first, then the order's id, as a
 * 400 comes before a 404): one entry per step, so a new step does not compile without it.
 */
const TAKE: Record<StaffStep, (deps: Deps, req: Request) => Promise<{ position: Position }>> = {
  capture: (deps, req) => {
    validate(NoBody, req.body ?? {});
    return captureOrder(deps, req.context, orderIdOf(req));
  },
  fulfil: (deps, req) => {
    validate(NoBody, req.body ?? {});
    return fulfilOrder(deps, req.context, orderIdOf(req));
  },
  ship: (deps, req) => {
    const { trackingNumber } = validate(ShipBody, req.body);
    return shipOrder(deps, req.context, orderIdOf(req), trackingNumber);
  },
  deliver: (deps, req) => {
    validate(NoBody, req.body ?? {});
    return deliverOrder(deps, req.context, orderIdOf(req));
  },
  cancel: (deps, req) => {
    const { reason } = validate(CancelBody, req.body);
    return cancelOrder(deps, req.context, orderIdOf(req), reason);
  },
  refund: (deps, req) => {
    const { amount, reason } = validate(RefundBody, req.body);
    return refundOrder(deps, req.context, orderIdOf(req), amount, reason);
  },
};

/** Staff move an order along its lifecycle; an illegal step answers 409 naming the allowed ones. */
export function adminOrderRoutes(deps: Deps): Router {
  const router = Router();
  const byStaff = idempotent(
    deps.pool,
    (req) => `admin:${req.principal!.userId}`,
    deps.config.IDEMPOTENCY_LOCK_SECONDS,
  );
  for (const step of STAFF_STEPS) {
    router.post(
      `/admin/orders/:orderId/${step}`,
      requireRole(...ORDER_STEP_ROLES[step]),
      byStaff,
      async (req: Request, res: Response) => {
        const { position } = await TAKE[step](deps, req);
        res.json({ position: positionToken(position) });
      },
    );
  }
  return router;
}
