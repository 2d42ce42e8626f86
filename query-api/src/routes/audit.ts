import { positionCursor, versionCursor } from '@flowdose/contract/audit-cursor';
import { AuditPageQuery, NoQuery, OrderStateQuery, StreamPageQuery } from '@flowdose/contract/query-api';
import { storable } from '@flowdose/contract/storable';
import { NotFoundError } from '@flowdose/domain/errors';
import { Id } from '@flowdose/domain/ids';
import { orderStream } from '@flowdose/domain/order/events';
import { findOrder } from '@flowdose/projections/read-models/orders/queries';
import { ORDERS } from '@flowdose/projections/read-models/orders/tables';
import type { Pool } from '@flowdose/shared/db';
import type { EventStore } from '@flowdose/shared/event-store/port';
import { requireRole } from '@flowdose/shared/http/auth';
import { validate } from '@flowdose/shared/http/validate';
import { type Request, type RequestHandler, Router } from 'express';
import { compareWithReadModel, diff, orderHistory, toJson } from '../audit/history.ts';
import { toItem } from '../audit/items.ts';
import { correlationPage, orderLogPage, orderScope } from '../audit/log.ts';
import { withEmails } from '../audit/people.ts';
import { minPosition, type PositionWaiter } from '../min-position.ts';

export type AuditDeps = { pool: Pool; store: EventStore; waitForPosition: PositionWaiter };

// What attachContext accepts as a correlation id: nothing else can have been recorded.
const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

const orderIdOf = (req: Request) => {
  const orderId = String(req.params.orderId);
  if (!Id.safeParse(orderId).success) throw new NotFoundError('Order');
  return orderId;
};

/**
 * The audit of the log itself (issue 12): an order's events with who asked, why and what
 * each changed, the order as it was after any of them, and every event one request caused.
 * Reads come from the event store, never a read model, except the replay that checks one.
 */
export function auditRoutes({ pool, store, waitForPosition }: AuditDeps): Router {
  const router = Router();
  const history = orderHistory(store);
  // Staff's view of people's orders and requests: never kept by a browser or a proxy.
  const noStore: RequestHandler = (_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  };
  const readers = [requireRole('admin', 'ops', 'analyst'), noStore];

  router.get('/admin/orders/:orderId/events', ...readers, async (req, res) => {
    const { cursor, limit } = validate(AuditPageQuery, req.query);
    const orderId = orderIdOf(req);
    const scope = await orderScope(pool, orderId);
    if (!scope.known) throw new NotFoundError('Order');
    const { items, last, more } = await orderLogPage(pool, scope, cursor?.after ?? null, limit);
    res.json({
      orderId,
      items: await withEmails(
        pool,
        items.map((e) => toItem(e, e.related)),
      ),
      nextCursor: more && last ? positionCursor(last) : null,
    });
  });

  // 404 for a version past the order's last: it may exist later, as the order goes on.
  router.get('/admin/orders/:orderId/state', ...readers, async (req, res) => {
    const { at } = validate(OrderStateQuery, req.query);
    const orderId = orderIdOf(req);
    const [latest] = await store.readStream(orderStream(orderId), { direction: 'backward', limit: 1 });
    if (!latest) throw new NotFoundError('Order');
    const version = at ?? latest.streamPosition;
    if (version > latest.streamPosition) {
      throw new NotFoundError(`Version ${version} of this order (it has ${latest.streamPosition} events)`);
    }
    const found = await history.at(orderId, version);
    if (!found) throw new Error(`order ${orderId} has no version ${version}, though its stream has`);
    const { event } = found;
    const state = toJson(found.after);
    res.json({
      orderId,
      version: version.toString(),
      latestVersion: latest.streamPosition.toString(),
      event: (await withEmails(pool, [toItem(event)]))[0],
      state,
      changes: diff(toJson(found.before), state),
    });
  });

  router.get('/admin/orders/:orderId/replay', ...readers, async (req, res) => {
    validate(NoQuery, req.query);
    const orderId = orderIdOf(req);
    const [latest] = await store.readStream(orderStream(orderId), { direction: 'backward', limit: 1 });
    if (!latest) throw new NotFoundError('Order');
    const found = await history.at(orderId, latest.streamPosition);
    if (!found) throw new Error(`order ${orderId} has no version ${latest.streamPosition}, though its stream has`);
    await minPosition(req, waitForPosition, ORDERS);
    // Compared only once the read model has applied the order's last event: a projection
    // that is merely behind is not drift (it answers 503 if it does not get there in time).
    await waitForPosition('orders', found.event.position);
    const differences = compareWithReadModel(found.after, await findOrder(pool, orderId));
    const version = found.event.streamPosition.toString();
    res.json(
      differences.length === 0
        ? { orderId, version, consistent: true }
        : { orderId, version, consistent: false, differences },
    );
  });

  router.get('/admin/correlations/:correlationId', ...readers, async (req, res) => {
    const { cursor, limit } = validate(AuditPageQuery, req.query);
    const correlationId = String(req.params.correlationId);
    if (!CORRELATION_ID.test(correlationId)) throw new NotFoundError('Correlation');
    const { items, last, more } = await correlationPage(pool, correlationId, cursor?.after ?? null, limit);
    if (items.length === 0 && !cursor) throw new NotFoundError('Correlation');
    res.json({
      correlationId,
      items: await withEmails(
        pool,
        items.map((e) => toItem(e)),
      ),
      nextCursor: more && last ? positionCursor(last) : null,
    });
  });

  // Any stream (a customer's, a SKU's, a checkout's): ops and admins, not analysts.
  router.get('/admin/streams/:streamId/events', requireRole('ops', 'admin'), noStore, async (req, res) => {
    const { cursor, limit } = validate(StreamPageQuery, req.query);
    const streamId = String(req.params.streamId);
    if (streamId.length > 300 || !storable(streamId)) throw new NotFoundError('Stream');
    const events = await store.readStream(streamId, { fromVersion: (cursor?.after ?? 0n) + 1n, limit: limit + 1 });
    if (events.length === 0 && !cursor) throw new NotFoundError('Stream');
    const items = events.slice(0, limit);
    res.json({
      streamId,
      items: await withEmails(
        pool,
        items.map((e) => toItem(e)),
      ),
      nextCursor: events.length > limit ? versionCursor(items.at(-1)!.streamPosition) : null,
    });
  });

  return router;
}
