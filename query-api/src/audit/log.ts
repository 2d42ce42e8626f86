import { cartStream } from '@flowdose/domain/cart/events';
import { checkoutStream } from '@flowdose/domain/checkout/process';
import { discountStream } from '@flowdose/domain/discount/events';
import { inventoryStream } from '@flowdose/domain/inventory/events';
import { orderStream } from '@flowdose/domain/order/events';
import type { Pool } from '@flowdose/shared/db';
import type { RecordedEvent } from '@flowdose/shared/event-store/port';
import { type Position, START } from '@flowdose/shared/event-store/position';
import { EVENT_COLUMNS, type EventRow, toRecordedEvent } from '@flowdose/shared/event-store/postgres/store';
import { z } from 'zod';

// SQL on the PostgreSQL event store's own table: the port reads one stream at a time, and
// the audit must also find events by their request (correlation id) across streams. The
// columns and their meaning are the store's, read with its own row mapping.

export type Page<T> = { items: T[]; last: Position | null; more: boolean };

function page<T extends { position: Position }>(rows: T[], limit: number): Page<T> {
  const items = rows.slice(0, limit);
  return { items, last: items.at(-1)?.position ?? null, more: rows.length > limit };
}

/** What ties other streams' events to an order: gathered from its own and its checkout's events. */
export type OrderScope = {
  orderId: string;
  /** Whether the order or its checkout has any event: neither means an unknown order. */
  known: boolean;
  correlations: string[];
  inventoryStreams: string[];
  reservationIds: string[];
  discountStream: string | null;
  cartStream: string | null;
};

// The parts of OrderPlaced and of the checkout's plan that name other streams.
const Refs = z.object({
  cartId: z.string(),
  reservations: z.array(z.object({ sku: z.string(), reservationId: z.string() })),
  discountCode: z.string().optional(),
});
type Refs = z.infer<typeof Refs>;

export async function orderScope(pool: Pool, orderId: string): Promise<OrderScope> {
  const own = [orderStream(orderId), checkoutStream(orderId)];
  const { rows } = await pool.query<{ known: boolean; correlations: string[]; placed: unknown; started: unknown }>(
    `select exists (select 1 from events where stream_id = any($1::text[])) as known,
       array(select distinct metadata->>'correlationId' from events
             where stream_id = any($1::text[]) and metadata ? 'correlationId') as correlations,
       (select data from events where stream_id = $2 and type = 'OrderPlaced' order by stream_position limit 1) as placed,
       (select data->'plan' from events where stream_id = $3 and type = 'CheckoutStarted'
        order by stream_position limit 1) as started`,
    [own, own[0], own[1]],
  );
  const row = rows[0]!;
  const plan = row.started as { order?: { discountCode?: unknown } } | null;
  const refs = [
    Refs.safeParse(row.placed),
    Refs.safeParse(plan && { ...plan, discountCode: plan.order?.discountCode }),
  ].flatMap((r): Refs[] => (r.success ? [r.data] : []));
  const code = refs.find((r) => r.discountCode)?.discountCode;
  const cartId = refs[0]?.cartId;
  return {
    orderId,
    known: row.known,
    correlations: row.correlations,
    inventoryStreams: [...new Set(refs.flatMap((r) => r.reservations.map((h) => inventoryStream(h.sku))))],
    reservationIds: [...new Set(refs.flatMap((r) => r.reservations.map((h) => h.reservationId)))],
    discountStream: code ? discountStream(code) : null,
    cartStream: cartId ? cartStream(cartId) : null,
  };
}

export type OrderLogEvent = RecordedEvent & { related: boolean };

/**
 * An order's events and, interleaved in log order, the events of other streams that belong
 * to it: its checkout's whole stream; and, among the events its own and its checkout's
 * requests caused (same correlation id), its stock holds and their release or commit (by
 * reservation id), its discount use (by order id) and its cart's close. The reference as
 * well as the request must match: sweeps share one correlation id across many orders, and a
 * shopper may send the same X-Correlation-Id on every request.
 */
export async function orderLogPage(
  pool: Pool,
  scope: OrderScope,
  after: Position | null,
  limit: number,
): Promise<Page<OrderLogEvent>> {
  const from = after ?? START;
  const newer = '(transaction_id, global_position) > ($3::xid8, $4::bigint)';
  const { rows } = await pool.query<EventRow & { related: boolean }>(
    `with related as (
       select global_position from events
       where metadata->>'correlationId' = any($6::text[])
         and ((stream_id = any($7::text[]) and (data->>'reservationId' = any($8::text[]) or data->>'orderId' = $9))
           or (stream_id = $10 and data->>'orderId' = $9)
           or (stream_id = $11 and type = 'CartCheckedOut' and data->>'orderId' = $9))
     )
     select * from (
       (select ${EVENT_COLUMNS}, false as related from events where stream_id = $1 and ${newer} order by stream_position limit $5)
       union all
       (select ${EVENT_COLUMNS}, true from events where stream_id = $2 and ${newer} order by stream_position limit $5)
       union all
       (select ${EVENT_COLUMNS}, true from events where global_position in (select global_position from related) and ${newer})
     ) page
     order by page.tx::xid8, page.global_position
     limit $5`,
    [
      orderStream(scope.orderId),
      checkoutStream(scope.orderId),
      from.major.toString(),
      from.minor,
      limit + 1,
      scope.correlations,
      scope.inventoryStreams,
      scope.reservationIds,
      scope.orderId,
      scope.discountStream,
      scope.cartStream,
    ],
  );
  return page(
    rows.map((r) => ({ ...toRecordedEvent(r), related: r.related })),
    limit,
  );
}

/** Every event one request caused, on every stream, in log order. */
export async function correlationPage(
  pool: Pool,
  correlationId: string,
  after: Position | null,
  limit: number,
): Promise<Page<RecordedEvent>> {
  const from = after ?? START;
  const { rows } = await pool.query<EventRow>(
    `select ${EVENT_COLUMNS} from events
     where metadata->>'correlationId' = $1 and (transaction_id, global_position) > ($2::xid8, $3::bigint)
     order by transaction_id, global_position limit $4`,
    [correlationId, from.major.toString(), from.minor, limit + 1],
  );
  return page(rows.map(toRecordedEvent), limit);
}
