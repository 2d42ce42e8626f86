import Link from 'next/link';
import type { OrderPage } from '@/lib/admin/answers';
import { formatMoney } from '@/lib/format';

/** Orders as a table, each opening its page: the orders list's and a customer's. */
export function OrderRows({ orders, caption }: { orders: OrderPage['items']; caption: string }) {
  return (
    <table className="admin-table">
      <caption className="visually-hidden">{caption}</caption>
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
        {orders.map((o) => (
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
  );
}
