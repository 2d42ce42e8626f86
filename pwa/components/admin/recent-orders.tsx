'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { type FormEvent, useState } from 'react';
import type { OrderPage } from '@/lib/admin/answers';
import { useStaffJson } from '@/lib/admin/use-staff-json';
import { formatMoney } from '@/lib/format';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The newest orders, each opening its audit, and a way to open any order by its id. */
export function RecentOrders() {
  const router = useRouter();
  const orders = useStaffJson<OrderPage>('/queries/admin/orders?limit=25');
  const [bad, setBad] = useState(false);

  function open(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const id = String(new FormData(event.currentTarget).get('orderId') ?? '').trim();
    setBad(!UUID.test(id));
    if (UUID.test(id)) router.push(`/admin/orders/${id.toLowerCase()}`);
  }

  return (
    <>
      <h1>Orders</h1>
      <form className="admin-find" onSubmit={open}>
        <label>
          Open an order by id
          <input
            name="orderId"
            placeholder="0b7c…"
            aria-invalid={bad}
            aria-describedby={bad ? 'find-error' : undefined}
          />
        </label>
        <button type="submit">Open</button>
        {bad && (
          <p id="find-error" role="alert" className="error">
            An order id looks like 8-4-4-4-12 hexadecimal digits.
          </p>
        )}
      </form>
      <h2>Newest</h2>
      {orders.state === 'loading' && <p className="muted">Loading…</p>}
      {orders.state === 'not-found' && <p>Your role does not show the order list.</p>}
      {orders.state === 'failed' && <p role="alert">The orders could not be read: {orders.problem.title}</p>}
      {orders.state === 'ok' &&
        (orders.data.items.length === 0 ? (
          <p>No orders yet.</p>
        ) : (
          <table className="admin-table">
            <thead>
              <tr>
                <th scope="col">Order</th>
                <th scope="col">Placed</th>
                <th scope="col">Customer</th>
                <th scope="col">Status</th>
                <th scope="col" className="num">
                  Total
                </th>
              </tr>
            </thead>
            <tbody>
              {orders.data.items.map((o) => (
                <tr key={o.orderId}>
                  <td>
                    <Link href={`/admin/orders/${o.orderId}`}>
                      <code>{o.orderId.slice(0, 8)}</code>
                    </Link>
                  </td>
                  <td>{new Date(o.placedAt).toLocaleString()}</td>
                  <td>{o.email}</td>
                  <td>
                    <span className={`badge status-${o.status}`}>{o.status}</span>
                  </td>
                  <td className="num">{formatMoney({ amount: o.grandTotal, currency: o.currency })}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ))}
    </>
  );
}
