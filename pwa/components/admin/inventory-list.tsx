'use client';

import Link from 'next/link';
import type { StockPage } from '@/lib/admin/answers';
import { useListPage } from '@/lib/admin/use-list-page';
import { Pager } from './pager';
import { Pending } from './pending';

/** Stock per SKU: on hand, held for orders, available to sell. */
export function InventoryList() {
  const { params, loaded: stock, filter, pager } = useListPage<StockPage>('/queries/admin/inventory', ['q', 'low']);
  return (
    <>
      <h1>Inventory</h1>
      <form className="admin-filters" onSubmit={filter} aria-label="Filter stock">
        <label>
          SKU or product
          <input type="search" name="q" defaultValue={params.get('q') ?? ''} />
        </label>
        <label className="toggle">
          <input type="checkbox" name="low" value="true" defaultChecked={params.get('low') === 'true'} /> Low stock only
        </label>
        <button type="submit">Filter</button>
      </form>
      <Pending loaded={stock} what="The stock" />
      {stock.state === 'ok' && (
        <>
          <table className="admin-table">
            <thead>
              <tr>
                <th scope="col">SKU</th>
                <th scope="col">Product</th>
                <th scope="col" className="num">
                  On hand
                </th>
                <th scope="col" className="num">
                  Held
                </th>
                <th scope="col" className="num">
                  Available
                </th>
              </tr>
            </thead>
            <tbody>
              {stock.data.items.map((s) => (
                <tr key={s.sku}>
                  <td>
                    <Link href={`/admin/inventory/${encodeURIComponent(s.sku)}`}>{s.sku}</Link>
                  </td>
                  <td>{s.title ?? '—'}</td>
                  <td className="num">{s.onHand}</td>
                  <td className="num">{s.reserved}</td>
                  <td className="num">{s.available}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {stock.data.items.length === 0 && <p>No SKU matches.</p>}
          <Pager {...pager} />
        </>
      )}
    </>
  );
}
