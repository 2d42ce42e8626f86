'use client';

import { Currency } from '@flowdose/domain/money';
import { useRouter } from 'next/navigation';
import { type FormEvent, useState } from 'react';
import type { AdminProduct } from '@/lib/admin/answers';
import { explain, type Sent, useOneAtATime } from '@/lib/admin/commands';
import { mayEdit } from '@/lib/admin/roles';
import { useStaff } from '@/lib/admin/staff';
import { useStaffJson } from '@/lib/admin/use-staff-json';
import { parseMinorUnits } from '@/lib/format';
import { ImageManager } from './image-manager';

const CURRENCIES = Currency.options;
type Draft = {
  id: string;
  sku: string;
  optionValues: Record<string, string>;
  prices: Record<string, string>;
  weightGrams: string;
};
type OptionDraft = { id: string; name: string; values: string };

const major = (minor: number | undefined) => (minor === undefined ? '' : (minor / 100).toFixed(2));
const toDraft = (v: AdminProduct['variants'][number]): Draft => ({
  id: v.sku,
  sku: v.sku,
  optionValues: v.optionValues,
  prices: Object.fromEntries(CURRENCIES.map((c) => [c, major(v.prices.find((p) => p.currency === c)?.amount)])),
  weightGrams: String(v.weightGrams),
});
// Rows keep an id of their own: a SKU is typed in and may be empty or repeated meanwhile.
const blankVariant = (): Draft => ({
  id: crypto.randomUUID(),
  sku: '',
  optionValues: {},
  prices: {},
  weightGrams: '0',
});
/** A draft row as the command API takes a variant: prices in minor units, empty currencies left out. */
const toVariant = (d: Draft) => ({
  sku: d.sku.trim(),
  optionValues: d.optionValues,
  prices: Object.fromEntries(
    Object.entries(d.prices)
      .filter(([, text]) => text.trim() !== '')
      .map(([c, text]) => [c, parseMinorUnits(text) ?? text]),
  ),
  weightGrams: Number(d.weightGrams || 0),
});
const words = (text: string) =>
  text
    .split(',')
    .map((w) => w.trim())
    .filter(Boolean);

/**
 * A product's editor: details, options (while no variant uses them: on creation), variants
 * with a price per currency and a weight, its images (image-manager.tsx), and its life (publish,
 * unpublish, archive). Every
 * save is one command with its own Idempotency-Key; a refusal is shown where it happened.
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

function ProductForm({ product }: { product: AdminProduct | null }) {
  const { who } = useStaff();
  const { run, busy } = useOneAtATime();
  const router = useRouter();
  const editable = mayEdit.catalog(who.role);
  const [options, setOptions] = useState<OptionDraft[]>(
    product?.options.map((o) => ({ id: o.name, name: o.name, values: o.values.join(', ') })) ?? [
      { id: 'first', name: 'Size', values: 'S, M, L' },
    ],
  );
  const [variants, setVariants] = useState<Draft[]>(product?.variants.map(toDraft) ?? [blankVariant()]);
  const [added, setAdded] = useState<Draft | null>(null);
  const [said, setSaid] = useState<{ ok: boolean; text: string } | null>(null);
  const [status, setStatus] = useState(product?.status ?? 'draft');
  // The details as last saved: what a save compares with, and the page's title.
  const [baseline, setBaseline] = useState(() =>
    product
      ? {
          title: product.title,
          handle: product.handle,
          description: product.description,
          category: product.category,
          tags: product.tags,
        }
      : null,
  );
  const optionNames = (product?.options ?? options.map((o) => ({ name: o.name.trim() })))
    .map((o) => o.name)
    .filter(Boolean);

  // null: another change was on its way, this click did nothing.
  const report = (sent: Sent | null, text: string) => {
    if (!sent) return false;
    setSaid(sent.ok ? { ok: true, text } : { ok: false, text: explain(sent.problem) });
    return sent.ok;
  };
  const details = (form: FormData) => ({
    title: String(form.get('title') ?? ''),
    handle: String(form.get('handle') ?? ''),
    description: String(form.get('description') ?? ''),
    category: String(form.get('category') ?? ''),
    tags: words(String(form.get('tags') ?? '')),
  });

  async function save(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    if (!product) {
      const body = {
        ...details(form),
        options: options.filter((o) => o.name.trim()).map((o) => ({ name: o.name.trim(), values: words(o.values) })),
        variants: variants.map(toVariant),
      };
      const sent = await run('create', 'POST', '/admin/products', body);
      if (report(sent, 'Created.') && sent?.ok) {
        // Read your write: the product's page waits until the read model has it.
        const created = sent.body as { productId: string; position: string };
        router.push(`/admin/products/${created.productId}?position=${encodeURIComponent(created.position)}`);
      }
      return;
    }
    // Only what changed: the API refuses an empty change, and the log records what moved.
    const now = details(form);
    const was = baseline ?? {};
    const changes = Object.fromEntries(
      Object.entries(now).filter(([k, v]) => JSON.stringify(v) !== JSON.stringify(was[k as keyof typeof was])),
    );
    if (Object.keys(changes).length === 0) return setSaid({ ok: true, text: 'Nothing changed.' });
    if (
      report(
        await run('details', 'PATCH', `/admin/products/${encodeURIComponent(product.productId)}`, changes),
        'Details saved.',
      )
    ) {
      setBaseline(now);
    }
  }

  async function saveVariant(d: Draft) {
    if (!product) return;
    const { prices, weightGrams } = toVariant(d);
    const sent = await run(
      `variant:${d.sku}`,
      'PATCH',
      `/admin/products/${encodeURIComponent(product.productId)}/variants/${encodeURIComponent(d.sku)}`,
      {
        prices,
        weightGrams,
      },
    );
    report(sent, `${d.sku} saved.`);
  }
  async function addVariant() {
    if (!product || !added) return;
    const sent = await run(
      'add-variant',
      'POST',
      `/admin/products/${encodeURIComponent(product.productId)}/variants`,
      toVariant(added),
    );
    if (report(sent, `${added.sku} added.`)) {
      setVariants((vs) => [...vs, added]);
      setAdded(null);
    }
  }
  async function removeVariant(sku: string) {
    if (!product) return;
    const sent = await run(
      `remove:${sku}`,
      'DELETE',
      `/admin/products/${encodeURIComponent(product.productId)}/variants/${encodeURIComponent(sku)}`,
      undefined,
    );
    if (report(sent, `${sku} removed.`)) setVariants((vs) => vs.filter((v) => v.sku !== sku));
  }
  async function lifecycle(action: 'publish' | 'unpublish' | 'archive') {
    if (!product) return;
    const sent = await run(action, 'POST', `/admin/products/${encodeURIComponent(product.productId)}/${action}`, {});
    const next = { publish: 'published', unpublish: 'draft', archive: 'archived' } as const;
    if (
      report(sent, `${action === 'unpublish' ? 'Unpublished' : `${action[0]!.toUpperCase()}${action.slice(1)}ed`}.`)
    ) {
      setStatus(next[action]);
    }
  }

  const row = (d: Draft, change: (d: Draft) => void, fixedSku: boolean) => (
    <fieldset className="variant" key={d.id}>
      <legend>{fixedSku ? d.sku : 'Variant'}</legend>
      {!fixedSku && (
        <label>
          SKU
          <input
            value={d.sku}
            onChange={(e) => change({ ...d, sku: e.target.value.toUpperCase() })}
            required
            disabled={!editable}
          />
        </label>
      )}
      {optionNames.map((name) => (
        <label key={name}>
          {name}
          <input
            value={d.optionValues[name] ?? ''}
            onChange={(e) => change({ ...d, optionValues: { ...d.optionValues, [name]: e.target.value } })}
            disabled={!editable || fixedSku}
          />
        </label>
      ))}
      {CURRENCIES.map((c) => (
        <label key={c}>
          Price in {c}
          <input
            inputMode="decimal"
            value={d.prices[c] ?? ''}
            onChange={(e) => change({ ...d, prices: { ...d.prices, [c]: e.target.value } })}
            placeholder="19.99"
            disabled={!editable}
          />
        </label>
      ))}
      <label>
        Weight (g)
        <input
          type="number"
          min={0}
          value={d.weightGrams}
          onChange={(e) => change({ ...d, weightGrams: e.target.value })}
          disabled={!editable}
        />
      </label>
    </fieldset>
  );
  const setRow = (i: number) => (d: Draft) => setVariants((vs) => vs.map((v, j) => (j === i ? d : v)));

  return (
    <>
      <h1>
        {baseline ? baseline.title : 'New product'}{' '}
        {product && <span className={`badge product-${status}`}>{status}</span>}
      </h1>
      {said && (
        <p role={said.ok ? 'status' : 'alert'} className={said.ok ? 'ok' : 'error'}>
          {said.text}
        </p>
      )}
      {product && editable && (
        <div className="actions">
          {status !== 'published' && (
            <button type="button" onClick={() => void lifecycle('publish')} disabled={busy}>
              Publish
            </button>
          )}
          {status === 'published' && (
            <button type="button" className="secondary" onClick={() => void lifecycle('unpublish')} disabled={busy}>
              Unpublish
            </button>
          )}
          {status !== 'archived' && (
            <button type="button" className="danger" onClick={() => void lifecycle('archive')} disabled={busy}>
              Archive
            </button>
          )}
        </div>
      )}
      <form onSubmit={save} className="admin-card stack" aria-label="Product details">
        <h2>Details</h2>
        <label>
          Title
          <input name="title" required maxLength={200} defaultValue={product?.title} disabled={!editable} />
        </label>
        <label>
          Handle (its address: lower-case words joined by dashes)
          <input
            name="handle"
            required
            pattern="[a-z0-9]+(-[a-z0-9]+)*"
            defaultValue={product?.handle}
            disabled={!editable}
          />
        </label>
        <label>
          Category
          <input
            name="category"
            required
            pattern="[a-z0-9]+(-[a-z0-9]+)*"
            defaultValue={product?.category}
            disabled={!editable}
          />
        </label>
        <label>
          Tags (comma-separated)
          <input name="tags" defaultValue={product?.tags.join(', ')} disabled={!editable} />
        </label>
        <label>
          Description
          <textarea
            name="description"
            rows={4}
            maxLength={10_000}
            defaultValue={product?.description}
            disabled={!editable}
          />
        </label>
        {!product && (
          <fieldset>
            <legend>Options (fixed once variants use them)</legend>
            {options.map((o, i) => (
              <div className="option" key={o.id}>
                <label>
                  Option name
                  <input
                    value={o.name}
                    onChange={(e) =>
                      setOptions((os) => os.map((x, j) => (j === i ? { ...x, name: e.target.value } : x)))
                    }
                  />
                </label>
                <label>
                  Values (comma-separated)
                  <input
                    value={o.values}
                    onChange={(e) =>
                      setOptions((os) => os.map((x, j) => (j === i ? { ...x, values: e.target.value } : x)))
                    }
                  />
                </label>
              </div>
            ))}
            {options.length < 3 && (
              <button
                type="button"
                className="secondary"
                onClick={() => setOptions((os) => [...os, { id: crypto.randomUUID(), name: '', values: '' }])}
              >
                Add an option
              </button>
            )}
          </fieldset>
        )}
        {!product && (
          <>
            <h2>Variants</h2>
            {variants.map((d, i) => row(d, setRow(i), false))}
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

      {product && (
        <section className="admin-card" aria-labelledby="variants-title">
          <h2 id="variants-title">Variants</h2>
          {variants.map((d, i) => (
            <div key={d.id} className="variant-row">
              {row(d, setRow(i), true)}
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
                {row(added, setAdded, false)}
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
      )}
      {product && <ImageManager productId={product.productId} initial={product.images} editable={editable} />}
    </>
  );
}
