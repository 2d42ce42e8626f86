'use client';

import Link from 'next/link';
import type { AdminProductPage } from '@/lib/admin/answers';
import { mayEdit } from '@/lib/admin/roles';
import { useStaff } from '@/lib/admin/staff';
import { useListPage } from '@/lib/admin/use-list-page';
import { Pager } from './pager';
import { Pending } from './pending';

/** Every product, drafts and archived ones too, found by title, handle or SKU. */
export function ProductsList() {
  const { who } = useStaff();
  const {
    params,
    loaded: products,
    filter,
    pager,
  } = useListPage<AdminProductPage>('/queries/admin/products', ['q', 'status']);
  return (
    <>
      <h1>Catalog</h1>
      {mayEdit.catalog(who.role) && (
        <p>
          <Link className="button" href="/admin/products/new">
            New product
          </Link>
        </p>
      )}
      <form className="admin-filters" onSubmit={filter} aria-label="Find products">
        <label>
          Title, handle or SKU
          <input type="search" name="q" defaultValue={params.get('q') ?? ''} />
        </label>
        <label>
          Status
          <select name="status" defaultValue={params.get('status') ?? ''}>
            <option value="">Any</option>
            <option value="draft">draft</option>
            <option value="published">published</option>
            <option value="archived">archived</option>
          </select>
        </label>
        <button type="submit">Filter</button>
      </form>
      <Pending loaded={products} what="The products" />
      {products.state === 'ok' && (
        <>
          <table className="admin-table">
            <thead>
              <tr>
                <th scope="col">Product</th>
                <th scope="col">Category</th>
                <th scope="col">Status</th>
                <th scope="col" className="num">
                  Variants
                </th>
                <th scope="col">Changed</th>
              </tr>
            </thead>
            <tbody>
              {products.data.items.map((p) => (
                <tr key={p.productId}>
                  <td>
                    <Link href={`/admin/products/${p.productId}`}>{p.title}</Link>{' '}
                    <span className="muted">{p.handle}</span>
                  </td>
                  <td>{p.category}</td>
                  <td>
                    <span className={`badge product-${p.status}`}>{p.status}</span>
                  </td>
                  <td className="num">{p.variants}</td>
                  <td>{new Date(p.updatedAt).toLocaleDateString()}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {products.data.items.length === 0 && <p>No product matches.</p>}
          <Pager {...pager} />
        </>
      )}
    </>
  );
}
