'use client';

import { nextSteps } from '@flowdose/domain/order/decider';
import { useCallback, useEffect, useState } from 'react';
import type { OrderView } from '@/lib/admin/answers';
import { refusalOf, useCommand } from '@/lib/admin/commands';
import { stepsFor } from '@/lib/admin/roles';
import { useStaff } from '@/lib/admin/staff';
import { useStaffJson } from '@/lib/admin/use-staff-json';
import { type ConnectLive, useLiveOrder } from '@/lib/live-order';
import { STEP_LABEL, StepDialogs, type TakeStep } from './order-steps';
import { OrderLines, OrderPayment } from './order-summary';

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
  const steps = stepsFor(who.role, nextSteps(o));

  const take: TakeStep = async (name, body, key) => {
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
          <StepDialogs order={o} steps={steps} take={take} />
        )}
        <p role="status" className="ok">
          {done}
        </p>
        <p role="status" className="muted" data-testid="order-live" data-connected={connected}>
          {notice}
        </p>
      </section>

      <div className="admin-columns">
        <OrderLines order={o} />
        <OrderPayment order={o} />
      </div>
    </>
  );
}
