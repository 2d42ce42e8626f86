'use client';

import { useRouter } from 'next/navigation';
import { type FormEvent, useState } from 'react';
import type { AdminProduct } from '@/lib/admin/answers';
import { explain, useSaving } from '@/lib/admin/commands';
import {
  blankVariant,
  changedDetails,
  type Details,
  detailsOf,
  type OptionDraft,
  toVariant,
  type VariantDraft,
  words,
} from '@/lib/admin/product-draft';
import { mayEdit } from '@/lib/admin/roles';
import { useStaff } from '@/lib/admin/staff';
import { useStaffJson } from '@/lib/admin/use-staff-json';
import { ImageManager } from './image-manager';
import { DetailsFields, OptionsFields } from './product-fields';
import { ProductLifecycle } from './product-lifecycle';
import { ProductVariants } from './product-variants';
import { SaidLine } from './said';
import { VariantFields } from './variant-fields';

/**
 * A product's editor: details, options (while no variant uses them: on creation), variants
 * with a price per currency and a weight (product-variants.tsx), its images (image-manager.tsx),
 * and its life (publish, unpublish, archive). Every save is one command with its own
 * Idempotency-Key; a refusal is shown where it happened.
 */
export function ProductEditor({
  productId,
  minPosition = null,
}: {
  productId: string | null;
  minPosition?: string | null;
}) {
  const loaded = useStaffJson<AdminProduct>(
    productId ? `/queries/admin/products/${encodeURIComponent(productId)}` : null,
    minPosition,
  );
  if (!productId) return <ProductForm product={null} />;
  if (loaded.state === 'loading') return <p className="muted">Loading…</p>;
  if (loaded.state === 'not-found') return <h1>No such product</h1>;
  if (loaded.state === 'failed') {
    return (
      <p role="alert" className="error">
        {explain(loaded.problem)}
      </p>
    );
  }
  return <ProductForm product={loaded.data} key={JSON.stringify(loaded.data)} />;
}

const detailsOfProduct = ({ title, handle, description, category, tags }: AdminProduct): Details => ({
  title,
  handle,
  description,
  category,
  tags,
});

function ProductForm({ product }: { product: AdminProduct | null }) {
  const { who } = useStaff();
  const saving = useSaving();
  const { save, busy, say } = saving;
  const router = useRouter();
  const editable = mayEdit.catalog(who.role);
  const [options, setOptions] = useState<OptionDraft[]>(
    product?.options.map((o) => ({ id: o.name, name: o.name, values: o.values.join(', ') })) ?? [
      { id: 'first', name: 'Size', values: 'S, M, L' },
    ],
  );
  // A new product's variants; a saved one's are ProductVariants'.
  const [variants, setVariants] = useState<VariantDraft[]>([blankVariant()]);
  const [status, setStatus] = useState(product?.status ?? 'draft');
  // The details as last saved: what a save compares with, and the page's title.
  const [baseline, setBaseline] = useState(() => (product ? detailsOfProduct(product) : null));
  const optionNames = (product?.options ?? options.map((o) => ({ name: o.name.trim() })))
    .map((o) => o.name)
    .filter(Boolean);

  async function create(form: FormData) {
    const body = {
      ...detailsOf(form),
      options: options.filter((o) => o.name.trim()).map((o) => ({ name: o.name.trim(), values: words(o.values) })),
      variants: variants.map(toVariant),
    };
    const sent = await save('create', 'POST', '/admin/products', body, 'Created.');
    if (sent?.ok) {
      // Read your write: the product's page waits until the read model has it.
      const created = sent.body as { productId: string; position: string };
      router.push(`/admin/products/${created.productId}?position=${encodeURIComponent(created.position)}`);
    }
  }
  async function update(productId: string, form: FormData) {
    const now = detailsOf(form);
    const changes = changedDetails(now, baseline ?? {});
    if (Object.keys(changes).length === 0) return say({ ok: true, text: 'Nothing changed.' });
    const sent = await save(
      'details',
      'PATCH',
      `/admin/products/${encodeURIComponent(productId)}`,
      changes,
      'Details saved.',
    );
    if (sent?.ok) setBaseline(now);
  }
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    void (product ? update(product.productId, form) : create(form));
  }

  return (
    <>
      <h1>
        {baseline ? baseline.title : 'New product'}{' '}
        {product && <span className={`badge product-${status}`}>{status}</span>}
      </h1>
      <SaidLine said={saving.said} />
      {product && editable && (
        <ProductLifecycle productId={product.productId} status={status} onStatus={setStatus} saving={saving} />
      )}
      <form onSubmit={submit} className="admin-card stack" aria-label="Product details">
        <h2>Details</h2>
        <DetailsFields product={product} editable={editable} />
        {!product && (
          <>
            <OptionsFields options={options} setOptions={setOptions} />
            <h2>Variants</h2>
            {variants.map((d, i) => (
              <VariantFields
                key={d.id}
                draft={d}
                optionNames={optionNames}
                editable={editable}
                fixedSku={false}
                onChange={(next) => setVariants((vs) => vs.map((v, j) => (j === i ? next : v)))}
              />
            ))}
            <button type="button" className="secondary" onClick={() => setVariants((vs) => [...vs, blankVariant()])}>
              Add a variant
            </button>
          </>
        )}
        {editable && (
          <button type="submit" disabled={busy}>
            {product ? 'Save details' : 'Create product'}
          </button>
        )}
      </form>

      {product && <ProductVariants product={product} optionNames={optionNames} editable={editable} saving={saving} />}
      {product && <ImageManager productId={product.productId} initial={product.images} editable={editable} />}
    </>
  );
}
