'use client';

import { useState } from 'react';
import { OrderAudit } from './order-audit';
import { OrderDetail } from './order-detail';

/** The order page: the order and its next steps, then its history; a step taken refreshes both. */
export function OrderWorkspace({ orderId }: { orderId: string }) {
  const [changes, setChanges] = useState(0);
  return (
    <>
      <nav aria-label="On this page" className="admin-tabs">
        <a href="#order">Order</a>
        <a href="#audit-title">History (audit)</a>
      </nav>
      <div id="order">
        <OrderDetail orderId={orderId} onChanged={() => setChanges((n) => n + 1)} />
      </div>
      <OrderAudit key={changes} orderId={orderId} />
    </>
  );
}
