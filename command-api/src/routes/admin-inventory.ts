import { AdjustBody, RestockBody, STOCK_ROLES } from '@flowdose/contract/command-api';
import { NotFoundError } from '@flowdose/domain/errors';
import { type InventoryCommand, inventoryDecider } from '@flowdose/domain/inventory/decider';
import { inventoryStream } from '@flowdose/domain/inventory/events';
import { positionToken } from '@flowdose/shared/event-store/position';
import { requireRole } from '@flowdose/shared/http/auth';
import { idempotent } from '@flowdose/shared/http/idempotency';
import { type Schema, validate } from '@flowdose/shared/http/validate';
import { type Request, Router } from 'express';
import type { Deps } from '../deps.ts';
import { handle } from '../handle-command.ts';

export function adminInventoryRoutes({ pool, store, config }: Deps): Router {
  const router = Router();
  const keepers = [
    requireRole(...STOCK_ROLES),
    idempotent(pool, (req) => `admin:${req.principal!.userId}`, config.IDEMPOTENCY_LOCK_SECONDS),
  ];

  /** Stock is kept only for SKUs the catalog knows. */
  const knownSku = async (req: Request) => {
    const sku = String(req.params.sku);
    const { rowCount } = await pool.query("select 1 from catalog_claims where kind = 'sku' and key = $1", [sku]);
    if (!rowCount) throw new NotFoundError(`SKU ${sku}`);
    return sku;
  };

  /** A stock change on a known SKU's stream: the body, checked, is the command's data. */
  const stockChange = <B>(action: string, body: Schema<B>, command: (sku: string, body: B) => InventoryCommand) =>
    router.post(`/admin/inventory/:sku/${action}`, ...keepers, async (req, res) => {
      const valid = validate(body, req.body);
      const sku = await knownSku(req);
      const { position } = await handle(
        store,
        inventoryDecider,
        inventoryStream(sku),
        command(sku, valid),
        req.context,
      );
      res.json({ position: positionToken(position) });
    });
  stockChange('restock', RestockBody, (sku, body) => ({ type: 'Restock', data: { sku, ...body } }));
  stockChange('adjust', AdjustBody, (sku, body) => ({ type: 'Adjust', data: { sku, ...body } }));

  return router;
}
