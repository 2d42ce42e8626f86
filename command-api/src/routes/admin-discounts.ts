import { DisableDiscountBody, NewDiscount } from '@flowdose/contract/command-api';
import { discountDecider } from '@flowdose/domain/discount/decider';
import { DiscountCode, discountStream } from '@flowdose/domain/discount/events';
import { NotFoundError } from '@flowdose/domain/errors';
import { positionToken } from '@flowdose/shared/event-store/position';
import { requireRole } from '@flowdose/shared/http/auth';
import { idempotent } from '@flowdose/shared/http/idempotency';
import { validate } from '@flowdose/shared/http/validate';
import { Router } from 'express';
import type { Deps } from '../deps.ts';
import { handle } from '../handle-command.ts';

export function adminDiscountRoutes({ pool, store, config }: Deps): Router {
  const router = Router();
  const admin = [
    requireRole('admin'),
    idempotent(pool, (req) => `admin:${req.principal!.userId}`, config.IDEMPOTENCY_LOCK_SECONDS),
  ];

  router.post('/admin/discounts', ...admin, async (req, res) => {
    const body = validate(NewDiscount, req.body);
    const normalised = {
      ...body,
      validFrom: body.validFrom && new Date(body.validFrom).toISOString(),
      validUntil: body.validUntil && new Date(body.validUntil).toISOString(),
    };
    const { position } = await handle(
      store,
      discountDecider,
      discountStream(body.code),
      { type: 'CreateDiscount', data: normalised },
      req.context,
    );
    res.status(201).json({ code: body.code, position: positionToken(position) });
  });

  router.post('/admin/discounts/:code/disable', ...admin, async (req, res) => {
    const { reason } = validate(DisableDiscountBody, req.body);
    const parsed = DiscountCode.safeParse(req.params.code);
    if (!parsed.success) throw new NotFoundError('Discount');
    const code = parsed.data;
    const { position } = await handle(
      store,
      discountDecider,
      discountStream(code),
      { type: 'DisableDiscount', data: { code, reason } },
      req.context,
    );
    res.json({ position: positionToken(position) });
  });

  return router;
}
