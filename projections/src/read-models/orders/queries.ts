import type { Dashboard, OrderSummary, OrderView } from '@flowdose/contract/query-api';
import type { Currency } from '@flowdose/domain/money';
import { type OrderStatus, WAITING_FOR, type Waiting } from '@flowdose/domain/order/lifecycle';
import type { Pool } from '@flowdose/shared/db';
import { liveSchema } from '@flowdose/shared/read-models';
import { viewOf } from '../view.ts';
import { ORDERS, type OrderRow } from './tables.ts';

const s = liveSchema(ORDERS);

/**
 * The columns an Order answer is selected from, named once: `orderView` takes rows of exactly
 * these, so one the contract's Order lacks, or lacking one it has, fails to compile.
 */
const ANSWER = [
  'order_id',
  'cart_id',
  'customer_id',
  'email',
  'currency',
  'status',
  'lines',
  'totals',
  'shipping_address',
  'shipping_method',
  'tracking_number',
  'discount_code',
  'captured',
  'refunded',
  'history',
  'placed_at',
] as const satisfies readonly (keyof OrderRow)[];
type AnswerRow = Pick<OrderRow, (typeof ANSWER)[number]>;
const ANSWER_COLUMNS = ANSWER.join(', ');
const orderView = viewOf<OrderView>();

export async function findOrder(pool: Pool, orderId: string): Promise<OrderView | null> {
  const { rows } = await pool.query<AnswerRow>(`select ${ANSWER_COLUMNS} from ${s}.orders where order_id = $1`, [
    orderId,
  ]);
  return rows[0] ? orderView(rows[0]) : null;
}

/**
 * An order's version in this read model: how many entries its history holds. Every change the
 * projection makes to an order appends one (placed, each status, each refund), so it counts
 * the order's changes in order, and a rebuild counts them the same.
 */
export const orderVersion = (order: Pick<OrderView, 'history'>): number => order.history.length;

/**
 * Of the orders given with the version a reader holds, those that moved past it, in one query:
 * what live order streams re-read when a change notice (or a re-check) names them.
 */
export async function ordersPast(pool: Pool, seen: ReadonlyMap<string, number>): Promise<OrderView[]> {
  if (seen.size === 0) return [];
  const { rows } = await pool.query<AnswerRow>(
    `select ${ANSWER_COLUMNS} from ${s}.orders o
     join unnest($1::uuid[], $2::int[]) as seen(order_id, version) using (order_id)
     where jsonb_array_length(o.history) > seen.version`,
    [[...seen.keys()], [...seen.values()]],
  );
  return rows.map(orderView);
}

/** A customer's orders, newest first. */
export async function ordersOf(pool: Pool, customerId: string, limit = 50): Promise<OrderView[]> {
  const { rows } = await pool.query<AnswerRow>(
    `select ${ANSWER_COLUMNS} from ${s}.orders where customer_id = $1 order by placed_at desc, order_id desc limit $2`,
    [customerId, limit],
  );
  return rows.map(orderView);
}

export type OrderFilter = {
  status?: OrderStatus;
  from?: Date;
  to?: Date;
  /** A customer id, or an email (guests have only that). */
  customer?: { id: string } | { email: string };
  after?: [string | number, string];
  limit: number;
};

type SummaryRow = Pick<OrderRow, 'order_id' | 'customer_id' | 'email' | 'status' | 'currency' | 'placed_at'> & {
  grand_total: bigint;
};
const summaryView = viewOf<OrderSummary>();

/** Staff's order list, newest first, by keyset on (placed_at, order_id). */
export async function listOrders(
  pool: Pool,
  filter: OrderFilter,
): Promise<{ items: OrderSummary[]; last: [string, string] | null; more: boolean }> {
  const params: unknown[] = [];
  const where: string[] = ['true'];
  const add = (clause: (n: number) => string, value: unknown) => {
    params.push(value);
    where.push(clause(params.length));
  };
  if (filter.status) add((n) => `status = $${n}`, filter.status);
  if (filter.from) add((n) => `placed_at >= $${n}`, filter.from);
  if (filter.to) add((n) => `placed_at < $${n}`, filter.to);
  if (filter.customer && 'id' in filter.customer) add((n) => `customer_id = $${n}`, filter.customer.id);
  if (filter.customer && 'email' in filter.customer) add((n) => `lower(email) = lower($${n})`, filter.customer.email);
  if (filter.after) {
    params.push(filter.after[0]);
    add((n) => `(placed_at, order_id) < ($${n - 1}::timestamptz, $${n}::uuid)`, filter.after[1]);
  }
  params.push(filter.limit + 1);
  const { rows } = await pool.query<SummaryRow>(
    `select order_id, customer_id, email, status, currency, (totals->>'grandTotal')::bigint as grand_total, placed_at
     from ${s}.orders where ${where.join(' and ')}
     order by placed_at desc, order_id desc limit $${params.length}`,
    params,
  );
  const page = rows.slice(0, filter.limit);
  const lastRow = page.at(-1);
  return {
    items: page.map(summaryView),
    last: lastRow ? [lastRow.placed_at.toISOString(), lastRow.order_id] : null,
    more: rows.length > filter.limit,
  };
}

export type Sales = Dashboard['sales'][number];
const salesView = viewOf<Sales>();

/**
 * Orders placed in [from, to) per currency, with the sum of their grand totals: gross, so
 * canceled and refunded ones count as placed. Never summed across currencies.
 */
export async function salesBetween(pool: Pool, from: Date, to: Date): Promise<Sales[]> {
  const { rows } = await pool.query<{ currency: Currency; orders: number; gross: bigint }>(
    `select currency, count(*)::int as orders, sum((totals->>'grandTotal')::bigint)::bigint as gross
     from ${s}.orders where placed_at >= $1 and placed_at < $2 group by currency order by currency`,
    [from, to],
  );
  return rows.map(salesView);
}

/** Orders waiting for staff, counted by what they wait for (the domain's `WAITING_FOR`). */
export async function ordersWaiting(pool: Pool): Promise<Waiting> {
  const kinds = Object.entries(WAITING_FOR);
  const { rows } = await pool.query<Waiting>(
    `select ${kinds.map(([kind], i) => `count(*) filter (where status = any($${i + 1}))::int as ${kind}`).join(', ')}
     from ${s}.orders where status = any($${kinds.length + 1})`,
    [...kinds.map(([, statuses]) => statuses), kinds.flatMap(([, statuses]) => statuses)],
  );
  return rows[0]!;
}
