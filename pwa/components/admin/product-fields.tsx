import type { Dispatch, SetStateAction } from 'react';
import type { AdminProduct } from '@/lib/admin/answers';
import type { OptionDraft } from '@/lib/admin/product-draft';

/** The product's own fields, filled from what was last saved (a new product's are empty). */
export function DetailsFields({ product, editable }: { product: AdminProduct | null; editable: boolean }) {
  return (
    <>
      <label>
        Title
        <input name="title" required maxLength={200} defaultValue={product?.title} disabled={!editable} />
      </label>
      <SlugField
        name="handle"
        label="Handle (its address: lower-case words joined by dashes)"
        value={product?.handle}
        editable={editable}
      />
      <SlugField name="category" label="Category" value={product?.category} editable={editable} />
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
    </>
  );
}

/** A field for a name that goes in addresses: lower-case words joined by dashes. */
function SlugField({
  name,
  label,
  value,
  editable,
}: {
  name: string;
  label: string;
  value: string | undefined;
  editable: boolean;
}) {
  return (
    <label>
      {label}
      <input name={name} required pattern="[a-z0-9]+(-[a-z0-9]+)*" defaultValue={value} disabled={!editable} />
    </label>
  );
}

/** A new product's options (at most three), each a name and its values. */
export function OptionsFields({
  options,
  setOptions,
}: {
  options: OptionDraft[];
  setOptions: Dispatch<SetStateAction<OptionDraft[]>>;
}) {
  const change = (i: number, patch: Partial<OptionDraft>) =>
    setOptions((os) => os.map((x, j) => (j === i ? { ...x, ...patch } : x)));
  return (
    <fieldset>
      <legend>Options (fixed once variants use them)</legend>
      {options.map((o, i) => (
        <div className="option" key={o.id}>
          <label>
            Option name
            <input value={o.name} onChange={(e) => change(i, { name: e.target.value })} />
          </label>
          <label>
            Values (comma-separated)
            <input value={o.values} onChange={(e) => change(i, { values: e.target.value })} />
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
  );
}
