'use client';

import { useCallback, useState } from 'react';
import { OrderAudit } from './order-audit';
import { OrderDetail } from './order-detail';

/** The order page: the order and its next steps, then its history; a step taken, or streamed in, refreshes both. */
export function OrderWorkspace({ orderId }: { orderId: string }) {
  const [changes, setChanges] = useState(0);
  // Stable: the order's live stream calls it from an effect.
  const changed = useCallback(() => setChanges((n) => n + 1), []);
  return (
    <>
      <nav aria-label="On this page" className="admin-tabs">
        <a href="#order">Order</a>
        <a href="#audit-title">History (audit)</a>
      </nav>
      <div id="order">
        <OrderDetail orderId={orderId} onChanged={changed} />
      </div>
      <OrderAudit key={changes} orderId={orderId} />
    </>
  );
}
