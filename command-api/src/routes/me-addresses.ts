import { AddressBody, AddressChangesBody, type AddressSavedAnswer } from '@flowdose/contract/command-api';
import { customerDecider } from '@flowdose/domain/customer/decider';
import { customerStream } from '@flowdose/domain/customer/events';
import { NotFoundError } from '@flowdose/domain/errors';
import { Id } from '@flowdose/domain/ids';
import { positionToken } from '@flowdose/shared/event-store/position';
import { requireRole } from '@flowdose/shared/http/auth';
import { idempotent } from '@flowdose/shared/http/idempotency';
import { validate } from '@flowdose/shared/http/validate';
import { type Request, Router } from 'express';
import type { Deps } from '../deps.ts';
import { handle, newId } from '../handle-command.ts';

/**
 * The signed-in customer's address book: commands on their own customer stream, so an
 * address of anyone else's is simply not in it (404).
 */
export function meAddressRoutes({ pool, store, config }: Deps): Router {
  const router = Router();
  const customer = [
    requireRole('customer'),
    idempotent(pool, (req) => `me:${req.principal!.userId}`, config.IDEMPOTENCY_LOCK_SECONDS),
  ];
  const customerOf = (req: Request) => req.principal!.userId;

  router.post('/me/addresses', ...customer, async (req, res) => {
    const address = validate(AddressBody, req.body);
    const customerId = customerOf(req);
    const addressId = newId(req.context, `address:${customerId}`);
    const { position } = await handle(
      store,
      customerDecider,
      customerStream(customerId),
      { type: 'SaveCustomerAddress', data: { customerId, addressId, address } },
      req.context,
    );
    res.status(201).json({ addressId, position: positionToken(position) } satisfies AddressSavedAnswer);
  });

  router.patch('/me/addresses/:addressId', ...customer, async (req, res) => {
    const addressId = addressIdOf(req);
    const changes = validate(AddressChangesBody, req.body);
    const customerId = customerOf(req);
    const { position } = await handle(
      store,
      customerDecider,
      customerStream(customerId),
      { type: 'ChangeCustomerAddress', data: { customerId, addressId, changes } },
      req.context,
    );
    res.json({ position: positionToken(position) });
  });

  router.delete('/me/addresses/:addressId', ...customer, async (req, res) => {
    const addressId = addressIdOf(req);
    const customerId = customerOf(req);
    const { position } = await handle(
      store,
      customerDecider,
      customerStream(customerId),
      { type: 'RemoveCustomerAddress', data: { customerId, addressId } },
      req.context,
    );
    res.json({ position: positionToken(position) });
  });

  return router;
}

const addressIdOf = (req: Request): string => {
  const addressId = String(req.params.addressId);
  if (!Id.safeParse(addressId).success) throw new NotFoundError('Address');
  return addressId;
};
