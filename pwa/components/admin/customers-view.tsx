'use client';

import Link from 'next/link';
import type { CustomerDetail, CustomerPage } from '@/lib/admin/answers';
import { explain } from '@/lib/admin/commands';
import { useListPage } from '@/lib/admin/use-list-page';
import { useStaffJson } from '@/lib/admin/use-staff-json';
import { OrderRows } from './order-rows';
import { Pager } from './pager';
import { Pending } from './pending';

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleDateString() : '—');

/** Customers by email, newest first. */
export function CustomersList() {
  const { params, loaded: customers, filter, pager } = useListPage<CustomerPage>('/queries/admin/customers', ['email']);
  return (
    <>
      <h1>Customers</h1>
      <form className="admin-filters" onSubmit={filter} aria-label="Find customers">
        <label>
          Email
          <input type="search" name="email" defaultValue={params.get('email') ?? ''} />
        </label>
        <button type="submit">Search</button>
      </form>
      <Pending loaded={customers} what="The customers" />
      {customers.state === 'ok' && (
        <>
          <table className="admin-table">
            <thead>
              <tr>
                <th scope="col">Email</th>
                <th scope="col">Registered</th>
                <th scope="col" className="num">
                  Orders
                </th>
                <th scope="col">Last order</th>
              </tr>
            </thead>
            <tbody>
              {customers.data.items.map((c) => (
                <tr key={c.customerId}>
                  <td>
                    <Link href={`/admin/customers/${c.customerId}`}>{c.email}</Link>
                  </td>
                  <td>{when(c.registeredAt)}</td>
                  <td className="num">{c.orders}</td>
                  <td>{when(c.lastOrderAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {customers.data.items.length === 0 && <p>No customer matches.</p>}
          <Pager {...pager} />
        </>
      )}
    </>
  );
}

/** One customer and their newest orders. */
export function CustomerView({ customerId }: { customerId: string }) {
  const customer = useStaffJson<CustomerDetail>(`/queries/admin/customers/${encodeURIComponent(customerId)}`);
  if (customer.state === 'loading') return <p className="muted">Loading…</p>;
  if (customer.state === 'not-found') return <h1>No such customer</h1>;
  if (customer.state === 'failed') {
    return (
      <p role="alert" className="error">
        {explain(customer.problem)}
      </p>
    );
  }
  const c = customer.data;
  return (
    <>
      <h1>{c.email}</h1>
      <p className="muted">
        Registered {when(c.registeredAt)} · {c.orders} order{c.orders === 1 ? '' : 's'} ·{' '}
        <Link href={`/admin/orders?customer=${encodeURIComponent(c.email)}`}>all their orders</Link>
      </p>
      <h2>Newest orders</h2>
      {c.recentOrders.length === 0 ? (
        <p>No orders yet.</p>
      ) : (
        <OrderRows orders={c.recentOrders} caption="Their orders" />
      )}
    </>
  );
}
