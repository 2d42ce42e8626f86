'use client';
import type { ProductDetail as Product } from '@flowdose/contract/query-api';
import { STORE_CURRENCY } from '@flowdose/domain/store-currency';
import { useState } from 'react';
import { changeCart } from '@/lib/cart';
import { formatMoney, variantLabel } from '@/lib/format';

/** Pick one value per option; the variant they name shows its price and stock. */
export function AddToCart({ product }: { product: Product }) {
  const first = product.variants.find((v) => v.available > 0) ?? product.variants[0];
  const [chosen, setChosen] = useState<Record<string, string>>(first?.optionValues ?? {});
  const [added, setAdded] = useState<string | null>(null);
  const variant = product.variants.find((v) => product.options.every((o) => v.optionValues[o.name] === chosen[o.name]));
  const price = variant?.prices.find((p) => p.currency === STORE_CURRENCY);

  async function add() {
    if (!variant || !price) return;
    await changeCart(
      { kind: 'add', sku: variant.sku, quantity: 1 },
      {
        sku: variant.sku,
        title: product.title,
        handle: product.handle,
        label: variantLabel(variant.optionValues),
        unitPrice: price,
      },
    );
    setAdded(
      `${product.title}${product.options.length ? `, ${variantLabel(variant.optionValues)}` : ''} is in your cart.`,
    );
  }

  return (
    <div>
      {product.options.map((option) => (
        <fieldset key={option.name}>
          <legend>{option.name}</legend>
          <div className="options">
            {option.values.map((value) => (
              <label key={value}>
                <input
                  type="radio"
                  name={option.name}
                  value={value}
                  checked={chosen[option.name] === value}
                  onChange={() => {
                    setChosen({ ...chosen, [option.name]: value });
                    setAdded(null);
                  }}
                />
                {value}
              </label>
            ))}
          </div>
        </fieldset>
      ))}
      {variant && price ? (
        <p>
          <span className="price">{formatMoney(price)}</span>{' '}
          {variant.available > 0 ? (
            <span className="muted">{variant.available <= 3 ? `Only ${variant.available} left` : 'In stock'}</span>
          ) : (
            <span className="sold-out">Sold out</span>
          )}
        </p>
      ) : (
        <p className="muted">This combination is not sold.</p>
      )}
      <button type="button" onClick={add} disabled={!variant || !price || variant.available === 0}>
        Add to cart
      </button>
      <p role="status" aria-live="polite">
        {added}
      </p>
    </div>
  );
}
