'use client';
import Link from 'next/link';
import { useEffect } from 'react';
import { acceptPrice, changeCart, dismissRefusal, refreshFromServer } from '@/lib/cart';
import { formatMoney } from '@/lib/format';
import { useCart, useOnline } from '@/lib/use-cart';

export default function CartPage() {
  const { lines, totals, pending, ready } = useCart();
  const online = useOnline();
  // The cart may have changed on another device or tab since this one last looked.
  useEffect(() => {
    void refreshFromServer();
  }, []);
  if (!ready) return <h1>Your cart</h1>;
  return (
    <>
      <h1>Your cart</h1>
      {!online && (
        <p className="notice">You are offline. Changes are kept here and sent when the connection returns.</p>
      )}
      {pending > 0 && online && <p className="muted">Saving your changes…</p>}
      {lines.length === 0 ? (
        <p>
          Your cart is empty. <Link href="/products">Start shopping</Link>
        </p>
      ) : (
        <table>
          <caption className="muted">
            {pending > 0 ? `${pending} change(s) not yet saved` : 'All changes saved'}
          </caption>
          <thead>
            <tr>
              <th scope="col">Item</th>
              <th scope="col">Quantity</th>
              <th scope="col">Price</th>
            </tr>
          </thead>
          <tbody>
            {lines.map((line) => (
              <tr key={line.sku} data-sku={line.sku}>
                <td>
                  {line.info ? <Link href={`/products/${line.info.handle}`}>{line.info.title}</Link> : line.sku}
                  {line.info?.label ? <div className="muted">{line.info.label}</div> : null}
                  {line.pending && <div className="muted">Not saved yet</div>}
                  {line.priceWas && line.unitPrice && (
                    <div className="refusal" role="alert">
                      The price changed from {formatMoney(line.priceWas)} to {formatMoney(line.unitPrice)}.{' '}
                      <button
                        type="button"
                        className="secondary"
                        onClick={() => acceptPrice(line.sku, line.unitPrice!)}
                      >
                        OK
                      </button>
                    </div>
                  )}
                  {line.refusal && (
                    <div className="refusal" role="alert">
                      {line.refusal}{' '}
                      <button type="button" className="secondary" onClick={() => dismissRefusal(line.sku)}>
                        Dismiss
                      </button>
                    </div>
                  )}
                </td>
                <td>
                  {line.quantity > 0 && (
                    <>
                      <label>
                        <span className="muted">Quantity of {line.info?.title ?? line.sku}</span>
                        <select
                          value={line.quantity}
                          onChange={(e) => changeCart({ kind: 'set', sku: line.sku, quantity: Number(e.target.value) })}
                        >
                          {Array.from({ length: Math.max(10, line.quantity) }, (_, i) => i + 1).map((n) => (
                            <option key={n} value={n}>
                              {n}
                            </option>
                          ))}
                        </select>
                      </label>
                      <button
                        type="button"
                        className="secondary"
                        onClick={() => changeCart({ kind: 'remove', sku: line.sku })}
                      >
                        Remove
                      </button>
                    </>
                  )}
                </td>
                <td>
                  {line.unitPrice && line.quantity > 0
                    ? formatMoney({ ...line.unitPrice, amount: line.unitPrice.amount * line.quantity })
                    : ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {totals && totals.itemCount > 0 && (
        <p>
          Subtotal <strong data-testid="subtotal">{formatMoney(totals.subtotal)}</strong>{' '}
          <Link className="button" href="/checkout">
            Check out
          </Link>
        </p>
      )}
    </>
  );
}
