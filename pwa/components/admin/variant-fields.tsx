import { CURRENCIES, type VariantDraft } from '@/lib/admin/product-draft';

/**
 * One variant's fields: its SKU (while new), a value per option (fixed once the variant
 * exists), a price per currency and its weight.
 */
export function VariantFields({
  draft: d,
  optionNames,
  editable,
  fixedSku,
  onChange,
}: {
  draft: VariantDraft;
  optionNames: string[];
  editable: boolean;
  fixedSku: boolean;
  onChange: (draft: VariantDraft) => void;
}) {
  return (
    <fieldset className="variant">
      <legend>{fixedSku ? d.sku : 'Variant'}</legend>
      {!fixedSku && (
        <label>
          SKU
          <input
            value={d.sku}
            onChange={(e) => onChange({ ...d, sku: e.target.value.toUpperCase() })}
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
            onChange={(e) => onChange({ ...d, optionValues: { ...d.optionValues, [name]: e.target.value } })}
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
            onChange={(e) => onChange({ ...d, prices: { ...d.prices, [c]: e.target.value } })}
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
          onChange={(e) => onChange({ ...d, weightGrams: e.target.value })}
          disabled={!editable}
        />
      </label>
    </fieldset>
  );
}
