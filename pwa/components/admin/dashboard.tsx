'use client';

import { WAITING_FOR, type Waiting } from '@flowdose/domain/order/lifecycle';
import Link from 'next/link';
import type { Dashboard as DashboardAnswer } from '@/lib/admin/answers';
import { explain } from '@/lib/admin/commands';
import { useStaffJson } from '@/lib/admin/use-staff-json';
import { formatMoney } from '@/lib/format';
import { ProjectionTable } from './projection-table';

const WAITING_LABEL: Record<keyof Waiting, string> = {
  capture: 'Waiting for capture',
  fulfilment: 'Waiting for fulfilment',
  shipping: 'Waiting for shipping',
};

/**
 * A tile per thing orders wait for, linking to the orders in the status staff take it from:
 * the last one waited in (a placed order waits for its payment's authorization first).
 */
const WAITING = (Object.keys(WAITING_FOR) as (keyof Waiting)[]).map((key) => {
  const status = WAITING_FOR[key].at(-1);
  return { key, label: WAITING_LABEL[key], href: status ? `/admin/orders?status=${status}` : '/admin/orders' };
});

/** Today at a glance: sales per currency, orders waiting for a step, stock running out, lag. */
export function Dashboard() {
  const loaded = useStaffJson<DashboardAnswer>('/queries/admin/dashboard');
  if (loaded.state !== 'ok') {
    return (
      <>
        <h1>Dashboard</h1>
        {loaded.state === 'loading' ? (
          <p className="muted">Loading…</p>
        ) : (
          <p role="alert" className="error">
            The dashboard could not be read{loaded.state === 'failed' ? `: ${explain(loaded.problem)}` : '.'}
          </p>
        )}
      </>
    );
  }
  const d = loaded.data;
  return (
    <>
      <h1>Dashboard</h1>
      <div className="admin-tiles">
        <section className="admin-card" aria-labelledby="today-title">
          <h2 id="today-title">Today ({d.date})</h2>
          {d.sales.length === 0 ? (
            <p>No orders yet today.</p>
          ) : (
            <dl className="totals">
              {d.sales.map((s) => (
                <div key={s.currency} data-currency={s.currency}>
                  <dt>
                    {s.orders} order{s.orders === 1 ? '' : 's'} in {s.currency}
                  </dt>
                  <dd>{formatMoney({ amount: s.gross, currency: s.currency })}</dd>
                </div>
              ))}
            </dl>
          )}
        </section>
        {WAITING.map((w) => (
          <section className="admin-card admin-tile" key={w.key} aria-label={w.label}>
            <p className="figure">{d.waiting[w.key]}</p>
            <Link href={w.href}>{w.label}</Link>
          </section>
        ))}
      </div>
      <section aria-labelledby="low-title">
        <h2 id="low-title">Low stock</h2>
        {d.lowStock.length === 0 ? (
          <p>Every SKU has stock to sell.</p>
        ) : (
          <table className="admin-table">
            <thead>
              <tr>
                <th scope="col">SKU</th>
                <th scope="col" className="num">
                  Available
                </th>
                <th scope="col" className="num">
                  Held
                </th>
                <th scope="col" className="num">
                  On hand
                </th>
              </tr>
            </thead>
            <tbody>
              {d.lowStock.map((s) => (
                <tr key={s.sku}>
                  <td>
                    <Link href={`/admin/inventory/${encodeURIComponent(s.sku)}`}>{s.sku}</Link>
                  </td>
                  <td className="num">{s.available}</td>
                  <td className="num">{s.reserved}</td>
                  <td className="num">{s.onHand}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section aria-labelledby="lag-title">
        <h2 id="lag-title">Read models</h2>
        <ProjectionTable projections={d.projections} />
      </section>
    </>
  );
}
