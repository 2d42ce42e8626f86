'use client';

import type { OrderStep } from '@flowdose/domain/contract/command-api';
import { nextSteps } from '@flowdose/domain/order/decider';
import { useCallback, useEffect, useState } from 'react';
import type { OrderView } from '@/lib/admin/answers';
import { refusalOf, useCommand } from '@/lib/admin/commands';
import { mayTakeStep } from '@/lib/admin/roles';
import { useStaff } from '@/lib/admin/staff';
import { useStaffJson } from '@/lib/admin/use-staff-json';
import { formatMoney, parseMinorUnits } from '@/lib/format';
import { type ConnectLive, useLiveOrder } from '@/lib/live-order';
import { ActionDialog, ReasonField } from './action-dialog';

const STEP_LABEL: Record<OrderStep, string> = {
  capture: 'Capture payment',
  fulfil: 'Fulfil',
  ship: 'Ship',
  deliver: 'Mark delivered',
  cancel: 'Cancel order',
  refund: 'Refund',
};

/**
 * An order as staff work with it: its lines, totals, address and payment, and the steps the
 * order allows now that the signed-in role may take, each confirmed and sent once. It follows
 * the order's live stream, so a step someone else takes shows (and is announced) at once.
 */
export function OrderDetail({ orderId, onChanged }: { orderId: string; onChanged: () => void }) {
  const { who, call } = useStaff();
  const send = useCommand();
  const [position, setPosition] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  // Read again after each step, at least at the step's position (read-your-writes).
  const order = useStaffJson<OrderView>(`/queries/admin/orders/${encodeURIComponent(orderId)}`, position);
  const connect = useCallback<ConnectLive>(
    (lastEventId, signal) =>
      call(`/queries/orders/${encodeURIComponent(orderId)}/live`, {
        signal,
        headers: lastEventId ? { 'Last-Event-ID': lastEventId } : {},
      }),
    [call, orderId],
  );
  const { latest, notice, connected } = useLiveOrder(order.state === 'ok' ? order.data : null, connect);
  // A change streamed in is a new event in the history below too.
  const version = latest?.history.length;
  useEffect(() => {
    if (version) onChanged();
  }, [version, onChanged]);

  // As tall as the order will be: what is below does not jump when it arrives.
  if (order.state === 'loading') {
    return (
      <p className="muted placeholder" aria-busy="true">
        Loading the order…
      </p>
    );
  }
  if (order.state === 'not-found') {
    return (
      <>
        <h1>Order not found</h1>
        <p>No order has the id {orderId}.</p>
      </>
    );
  }
  if (order.state === 'failed') {
    return (
      <p role="alert" className="error">
        The order could not be read: {order.problem.detail ?? order.problem.title}
      </p>
    );
  }
  const o = latest ?? order.data;
  const money = (amount: number) => formatMoney({ amount, currency: o.currency });
  const steps = nextSteps(o).filter((s): s is OrderStep => s !== 'authorize' && mayTakeStep(who.role, s));
  const refundable = o.captured - o.refunded;

  const step = async (name: OrderStep, body: unknown, key: string) => {
    const sent = await send('POST', `/admin/orders/${encodeURIComponent(orderId)}/${name}`, body, key);
    if (!sent.ok) return refusalOf(sent);
    setDone(`${STEP_LABEL[name]}: done.`);
    setPosition(sent.position);
    onChanged();
    return null;
  };

  return (
    <>
      <h1>
        Order <code>{orderId.slice(0, 8)}</code> <span className={`badge status-${o.status}`}>{o.status}</span>
      </h1>
      <p className="muted">
        <code>{orderId}</code> · placed {new Date(o.placedAt).toLocaleString()} by {o.email}
      </p>
      <section aria-labelledby="actions-title" className="admin-card">
        <h2 id="actions-title">Next steps</h2>
        {steps.length === 0 ? (
          <p className="muted">
            {who.role === 'analyst'
              ? 'Your role reads orders; it takes no steps.'
              : 'Nothing your role can do to this order now.'}
          </p>
        ) : (
          <div className="actions">
            {steps.includes('capture') && (
              <ActionDialog
                label={STEP_LABEL.capture}
                title="Capture the payment?"
                description={<p>Takes {money(o.totals.grandTotal)} from the authorized payment.</p>}
                confirm="Capture"
                onConfirm={(_, key) => step('capture', {}, key)}
              />
            )}
            {steps.includes('fulfil') && (
              <ActionDialog
                label={STEP_LABEL.fulfil}
                title="Mark the order fulfilled?"
                description={<p>The held stock leaves the warehouse: on hand goes down.</p>}
                confirm="Fulfil"
                onConfirm={(_, key) => step('fulfil', {}, key)}
              />
            )}
            {steps.includes('ship') && (
              <ActionDialog
                label={STEP_LABEL.ship}
                title="Ship the order"
                confirm="Ship"
                onConfirm={(form, key) =>
                  step('ship', { trackingNumber: String(form.get('trackingNumber') ?? '') }, key)
                }
              >
                <label>
                  Tracking number
                  <input name="trackingNumber" required maxLength={100} autoComplete="off" />
                </label>
              </ActionDialog>
            )}
            {steps.includes('deliver') && (
              <ActionDialog
                label={STEP_LABEL.deliver}
                title="Mark the order delivered?"
                confirm="Delivered"
                onConfirm={(_, key) => step('deliver', {}, key)}
              />
            )}
            {steps.includes('refund') && (
              <ActionDialog
                label={STEP_LABEL.refund}
                title="Refund part or all of the payment"
                description={<p>Up to {money(refundable)} is left to refund.</p>}
                confirm="Refund"
                danger
                onConfirm={(form, key) => {
                  const amount = parseMinorUnits(String(form.get('amount') ?? ''));
                  if (amount === null || amount <= 0) {
                    return Promise.resolve({ message: 'Enter an amount such as 5.00.', sameKeyAgain: true });
                  }
                  return step('refund', { amount, reason: String(form.get('reason') ?? '') }, key);
                }}
              >
                <label>
                  Amount ({o.currency})
                  <input name="amount" inputMode="decimal" required placeholder="5.00" autoComplete="off" />
                </label>
                <ReasonField />
              </ActionDialog>
            )}
            {steps.includes('cancel') && (
              <ActionDialog
                label={STEP_LABEL.cancel}
                title="Cancel the order?"
                description={<p>Releases its stock and voids or refunds its payment. This cannot be undone.</p>}
                confirm="Cancel the order"
                danger
                onConfirm={(form, key) => step('cancel', { reason: String(form.get('reason') ?? '') }, key)}
              >
                <ReasonField />
              </ActionDialog>
            )}
          </div>
        )}
        <p role="status" className="ok">
          {done}
        </p>
        <p role="status" className="muted" data-testid="order-live" data-connected={connected}>
          {notice}
        </p>
      </section>

      <div className="admin-columns">
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
      </div>
    </>
  );
}
