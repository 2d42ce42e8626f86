'use client';
import type { OrderView as Order } from '@flowdose/contract/query-api';
import Link from 'next/link';
import { use, useEffect, useState } from 'react';
import { formatMoney, titleCase } from '@/lib/format';
import { type ConnectLive, useLiveOrder } from '@/lib/live-order';
import { fetchAs } from '@/lib/session';
import { db, getMeta, META } from '@/lib/store';

/**
 * An order with its status timeline: a guest reads it with its cart's token, a customer signed
 * in. It stays current by itself from the order's live stream, read with the same credentials.
 */
export default function OrderPage({ params }: { params: Promise<{ orderId: string }> }) {
  const { orderId } = use(params);
  const [read, setRead] = useState<Order | null>(null);
  const [missing, setMissing] = useState(false);
  const [connect, setConnect] = useState<ConnectLive | null>(null);
  const { latest, notice, connected } = useLiveOrder(read, connect);
  const order = latest ?? read;
  const placedHere = typeof window !== 'undefined' && new URLSearchParams(window.location.search).has('placed');

  useEffect(() => {
    void (async () => {
      const kept = await (await db()).get('orders', orderId);
      const position = kept?.position ?? (await getMeta<string>(META.position));
      const res = await fetchAs(`/api/queries/orders/${orderId}`, {
        headers: {
          ...(kept?.cartToken ? { 'X-Cart-Token': kept.cartToken } : {}),
          ...(position ? { 'X-Min-Position': position } : {}),
        },
      }).catch(() => null);
      if (!res?.ok) {
        setMissing(true);
        return;
      }
      setRead((await res.json()) as Order);
      // The stream starts where this read was: at least its position, then from its version.
      setConnect(() => (lastEventId: string | null, signal: AbortSignal) => {
        const headers: Record<string, string> = kept?.cartToken ? { 'X-Cart-Token': kept.cartToken } : {};
        if (lastEventId) headers['Last-Event-ID'] = lastEventId;
        else if (position) headers['X-Min-Position'] = position;
        return fetchAs(`/api/queries/orders/${orderId}/live`, { headers, signal, cache: 'no-store' });
      });
    })();
  }, [orderId]);

  if (missing) return <p>This order could not be shown. If it is yours, sign in and look under Account.</p>;
  if (!order) return <h1>Your order</h1>;
  const money = (amount: number) => formatMoney({ amount, currency: order.currency });
  return (
    <>
      <h1>{placedHere ? 'Thank you for your order' : 'Your order'}</h1>
      <p>
        Order <code>{order.orderId}</code> · <strong data-testid="order-status">{titleCase(order.status)}</strong> · a
        confirmation goes to {order.email}.
      </p>
      <table>
        <thead>
          <tr>
            <th scope="col">Item</th>
            <th scope="col">Quantity</th>
            <th scope="col">Price</th>
          </tr>
        </thead>
        <tbody>
          {order.lines.map((l) => (
            <tr key={l.lineId}>
              <td>{l.sku}</td>
              <td>{l.quantity}</td>
              <td>{money(l.unitPrice.amount * l.quantity)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <dl className="totals">
        <dt>Subtotal</dt>
        <dd>{money(order.totals.subtotal)}</dd>
        {order.totals.discount > 0 && (
          <>
            <dt>Discount</dt>
            <dd>−{money(order.totals.discount)}</dd>
          </>
        )}
        <dt>Shipping ({order.shippingMethod})</dt>
        <dd>{money(order.totals.shipping)}</dd>
        <dt>VAT</dt>
        <dd>{money(order.totals.tax)}</dd>
        <dt>Total</dt>
        <dd>
          <strong data-testid="grand-total">{money(order.totals.grandTotal)}</strong>
        </dd>
      </dl>
      <h2>Status</h2>
      {/* Announced as the order changes while the page is open (staff capture, ship…). */}
      <p role="status" className="muted" data-testid="order-live" data-connected={connected}>
        {notice}
      </p>
      <ol className="timeline">
        {order.history.map((h) => (
          <li key={`${h.status}-${h.at}`}>
            <strong>{titleCase(h.status)}</strong>{' '}
            <span className="muted">{new Date(h.at).toLocaleString('en-GB')}</span>
            {h.amount ? ` (${money(h.amount)})` : ''}
          </li>
        ))}
      </ol>
      {order.trackingNumber && <p>Tracking number: {order.trackingNumber}</p>}
      <p>
        <Link href="/products">Keep shopping</Link>
      </p>
    </>
  );
}
