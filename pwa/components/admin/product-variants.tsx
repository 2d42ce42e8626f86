'use client';

import { useState } from 'react';
import type { AdminProduct } from '@/lib/admin/answers';
import type { Saving } from '@/lib/admin/commands';
import { blankVariant, toDraft, toVariant, type VariantDraft } from '@/lib/admin/product-draft';
import { VariantFields } from './variant-fields';

/** A saved product's variants: each saved or removed on its own, and a new one added. */
export function ProductVariants({
  product,
  optionNames,
  editable,
  saving: { save, busy },
}: {
  product: AdminProduct;
  optionNames: string[];
  editable: boolean;
  saving: Saving;
}) {
  const [variants, setVariants] = useState<VariantDraft[]>(product.variants.map(toDraft));
  const [added, setAdded] = useState<VariantDraft | null>(null);
  const path = `/admin/products/${encodeURIComponent(product.productId)}/variants`;

  async function saveVariant(d: VariantDraft) {
    const { prices, weightGrams } = toVariant(d);
    await save(
      `variant:${d.sku}`,
      'PATCH',
      `${path}/${encodeURIComponent(d.sku)}`,
      { prices, weightGrams },
      `${d.sku} saved.`,
    );
  }
  async function addVariant() {
    if (!added) return;
    const sent = await save('add-variant', 'POST', path, toVariant(added), `${added.sku} added.`);
    if (sent?.ok) {
      setVariants((vs) => [...vs, added]);
      setAdded(null);
    }
  }
  async function removeVariant(sku: string) {
    const sent = await save(
      `remove:${sku}`,
      'DELETE',
      `${path}/${encodeURIComponent(sku)}`,
      undefined,
      `${sku} removed.`,
    );
    if (sent?.ok) setVariants((vs) => vs.filter((v) => v.sku !== sku));
  }
  const fields = (d: VariantDraft, onChange: (d: VariantDraft) => void, fixedSku: boolean) => (
    <VariantFields draft={d} optionNames={optionNames} editable={editable} fixedSku={fixedSku} onChange={onChange} />
  );

  return (
    <section className="admin-card" aria-labelledby="variants-title">
      <h2 id="variants-title">Variants</h2>
      {variants.map((d, i) => (
        <div key={d.id} className="variant-row">
          {fields(d, (next) => setVariants((vs) => vs.map((v, j) => (j === i ? next : v))), true)}
          {editable && (
            <div className="actions">
              <button type="button" onClick={() => void saveVariant(d)} disabled={busy}>
                Save {d.sku}
              </button>
              <button type="button" className="secondary" onClick={() => void removeVariant(d.sku)} disabled={busy}>
                Remove {d.sku}
              </button>
            </div>
          )}
        </div>
      ))}
      {editable &&
        (added ? (
          <>
            {fields(added, setAdded, false)}
            <button type="button" onClick={() => void addVariant()} disabled={busy}>
              Add this variant
            </button>
          </>
        ) : (
          <button type="button" className="secondary" onClick={() => setAdded(blankVariant())}>
            New variant
          </button>
        ))}
    </section>
  );
}
