import type { OrderView } from '@/lib/admin/answers';
import { formatMoney } from '@/lib/format';

const moneyOf = (o: OrderView) => (amount: number) => formatMoney({ amount, currency: o.currency });

/** What was ordered: the lines and the totals. */
export function OrderLines({ order: o }: { order: OrderView }) {
  const money = moneyOf(o);
  return (
    <section aria-labelledby="lines-title" className="admin-card">
      <h2 id="lines-title">Lines</h2>
      <table className="admin-table">
        <thead>
          <tr>
            <th scope="col">SKU</th>
            <th scope="col" className="num">
              Quantity
            </th>
            <th scope="col" className="num">
              Unit price
            </th>
            <th scope="col" className="num">
              Discount
            </th>
            <th scope="col" className="num">
              Tax
            </th>
          </tr>
        </thead>
        <tbody>
          {o.lines.map((l) => (
            <tr key={l.lineId}>
              <td>{l.sku}</td>
              <td className="num">{l.quantity}</td>
              <td className="num">{formatMoney(l.unitPrice)}</td>
              <td className="num">{money(l.discount)}</td>
              <td className="num">{money(l.tax)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <dl className="totals">
        <dt>Subtotal</dt>
        <dd>{money(o.totals.subtotal)}</dd>
        <dt>Discount{o.discountCode ? ` (${o.discountCode})` : ''}</dt>
        <dd>−{money(o.totals.discount)}</dd>
        <dt>Shipping ({o.shippingMethod})</dt>
        <dd>{money(o.totals.shipping)}</dd>
        <dt>Tax</dt>
        <dd>{money(o.totals.tax)}</dd>
        <dt>Total</dt>
        <dd>
          <strong>{money(o.totals.grandTotal)}</strong>
        </dd>
      </dl>
    </section>
  );
}

/** Where the money and the goods are: captured, refunded, tracking, the address, and the status history. */
export function OrderPayment({ order: o }: { order: OrderView }) {
  const money = moneyOf(o);
  return (
    <section aria-labelledby="payment-title" className="admin-card">
      <h2 id="payment-title">Payment and delivery</h2>
      <dl className="totals">
        <dt>Captured</dt>
        <dd data-field="captured">{money(o.captured)}</dd>
        <dt>Refunded</dt>
        <dd data-field="refunded">{money(o.refunded)}</dd>
        <dt>Tracking</dt>
        <dd>{o.trackingNumber ?? '—'}</dd>
      </dl>
      <h3>Ship to</h3>
      <address>
        {o.shippingAddress.name}
        <br />
        {o.shippingAddress.line1}
        {o.shippingAddress.line2 && (
          <>
            <br />
            {o.shippingAddress.line2}
          </>
        )}
        <br />
        {o.shippingAddress.postalCode} {o.shippingAddress.city}, {o.shippingAddress.country}
      </address>
      <h3>Status history</h3>
      <ol className="history">
        {o.history.map((h) => (
          <li key={`${h.status}-${h.at}`}>
            {h.status}
            {h.amount !== undefined ? ` ${money(h.amount)}` : ''} · {new Date(h.at).toLocaleString()}
          </li>
        ))}
      </ol>
    </section>
  );
}
