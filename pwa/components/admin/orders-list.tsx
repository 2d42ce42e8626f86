'use client';

import { ORDER_STATUSES } from '@flowdose/domain/order/lifecycle';
import type { OrderPage } from '@/lib/admin/answers';
import { useListPage } from '@/lib/admin/use-list-page';
import { OrderRows } from './order-rows';
import { Pager } from './pager';
import { Pending } from './pending';

const FILTERS = ['status', 'from', 'to', 'customer'] as const;

/** Orders, newest first, filtered by status, dates and customer email, a page at a time. */
export function OrdersList() {
  const { params, loaded: orders, filter, pager } = useListPage<OrderPage>('/queries/admin/orders', FILTERS);

  return (
    <>
      <h1>Orders</h1>
      <form className="admin-filters" onSubmit={filter} aria-label="Filter orders">
        <label>
          Status
          <select name="status" defaultValue={params.get('status') ?? ''}>
            <option value="">Any</option>
            {ORDER_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label>
          Placed from
          <input type="date" name="from" defaultValue={params.get('from') ?? ''} />
        </label>
        <label>
          Placed until
          <input type="date" name="to" defaultValue={params.get('to') ?? ''} />
        </label>
        <label>
          Customer email
          <input type="email" name="customer" defaultValue={params.get('customer') ?? ''} />
        </label>
        <button type="submit">Filter</button>
      </form>
      <Pending loaded={orders} what="The orders" />
      {orders.state === 'ok' &&
        (orders.data.items.length === 0 ? (
          <p>No orders match.</p>
        ) : (
          <>
            <OrderRows orders={orders.data.items} caption="Orders, newest first" />
            <Pager {...pager} />
          </>
        ))}
    </>
  );
}
