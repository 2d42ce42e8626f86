'use client';

import Link from 'next/link';
import { useState } from 'react';
import type { StockDetail as StockAnswer } from '@/lib/admin/answers';
import { explain, refusalOf, useCommand } from '@/lib/admin/commands';
import { mayEdit } from '@/lib/admin/roles';
import { useStaff } from '@/lib/admin/staff';
import { useStaffJson } from '@/lib/admin/use-staff-json';
import { ActionDialog, ReasonField } from './action-dialog';

/** One SKU's stock with the holds on it and their orders; restock and adjust with a reason. */
export function StockDetail({ sku }: { sku: string }) {
  const { who } = useStaff();
  const send = useCommand();
  const [position, setPosition] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const path = `/queries/admin/inventory/${encodeURIComponent(sku)}`;
  // Read again after a change, once the read model has it.
  const stock = useStaffJson<StockAnswer>(path, position);

  if (stock.state === 'loading') return <p className="muted">Loading…</p>;
  if (stock.state === 'failed') {
    return (
      <p role="alert" className="error">
        {explain(stock.problem)}
      </p>
    );
  }
  // A SKU no stock was ever recorded for (a new variant) starts from nothing: restock it.
  const s: StockAnswer =
    stock.state === 'ok'
      ? stock.data
      : { sku, onHand: 0, reserved: 0, available: 0, productId: null, title: null, holds: [] };
  const change = async (kind: 'restock' | 'adjust', body: unknown, key: string) => {
    const sent = await send('POST', `/admin/inventory/${encodeURIComponent(sku)}/${kind}`, body, key);
    if (!sent.ok) return refusalOf(sent);
    setDone(kind === 'restock' ? 'Restocked.' : 'Adjusted.');
    setPosition(sent.position);
    return null;
  };
  return (
    <>
      <h1>
        {s.sku} {s.title && <span className="muted">· {s.title}</span>}
      </h1>
      <dl className="admin-tiles figures">
        <div className="admin-card admin-tile">
          <dt>On hand</dt>
          <dd className="figure" data-field="onHand">
            {s.onHand}
          </dd>
        </div>
        <div className="admin-card admin-tile">
          <dt>Held for orders</dt>
          <dd className="figure" data-field="reserved">
            {s.reserved}
          </dd>
        </div>
        <div className="admin-card admin-tile">
          <dt>Available</dt>
          <dd className="figure" data-field="available">
            {s.available}
          </dd>
        </div>
      </dl>
      {mayEdit.inventory(who.role) && (
        <div className="actions">
          <ActionDialog
            label="Restock"
            title={`Restock ${s.sku}`}
            confirm="Restock"
            onConfirm={(form, key) =>
              change(
                'restock',
                { quantity: Number(form.get('quantity')), reason: String(form.get('reason') ?? '') },
                key,
              )
            }
          >
            <label>
              Units received
              <input name="quantity" type="number" min={1} step={1} required />
            </label>
            <ReasonField defaultValue="delivery received" />
          </ActionDialog>
          <ActionDialog
            label="Adjust"
            title={`Adjust the count of ${s.sku}`}
            description={<p>A correction either way: a negative number for damage or a recount that found fewer.</p>}
            confirm="Adjust"
            onConfirm={(form, key) =>
              change('adjust', { delta: Number(form.get('delta')), reason: String(form.get('reason') ?? '') }, key)
            }
          >
            <label>
              Change in units (+/−)
              <input name="delta" type="number" step={1} required />
            </label>
            <ReasonField />
          </ActionDialog>
        </div>
      )}
      <p role="status" className="ok">
        {done}
      </p>
      <h2>Holds</h2>
      {s.holds.length === 0 ? (
        <p>Nothing is held.</p>
      ) : (
        <table className="admin-table">
          <thead>
            <tr>
              <th scope="col">Order</th>
              <th scope="col" className="num">
                Units
              </th>
              <th scope="col">Held</th>
              <th scope="col">Expires</th>
            </tr>
          </thead>
          <tbody>
            {s.holds.map((h) => (
              <tr key={h.reservationId}>
                <td>
                  {h.orderId ? (
                    <Link href={`/admin/orders/${h.orderId}`}>
                      <code>{h.orderId.slice(0, 8)}</code>
                    </Link>
                  ) : (
                    '—'
                  )}
                </td>
                <td className="num">{h.quantity}</td>
                <td>{new Date(h.heldAt).toLocaleString()}</td>
                <td>{h.expiresAt ? new Date(h.expiresAt).toLocaleString() : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
