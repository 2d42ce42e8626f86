import { Currency } from '@flowdose/domain/money';
import { parseMinorUnits } from '@/lib/format';

const CURRENCIES = Currency.options;

// An empty field leaves its currency out; what is not an amount is sent as is, for the API to refuse by name.
const perCurrency = (form: FormData, prefix: string) =>
  Object.fromEntries(
    CURRENCIES.flatMap((c) => {
      const text = String(form.get(`${prefix}-${c}`) ?? '').trim();
      return text ? [[c, parseMinorUnits(text) ?? text]] : [];
    }),
  );
const instant = (value: FormDataEntryValue | null) => {
  const text = String(value ?? '');
  return text ? new Date(text).toISOString() : null;
};

/** The new discount form's fields as the command API takes a discount. */
export function discountOf(form: FormData) {
  const kind = String(form.get('kind'));
  const limit = String(form.get('usageLimit') ?? '').trim();
  return {
    code: String(form.get('code') ?? ''),
    value:
      kind === 'percent'
        ? { kind, percent: Number(form.get('percent')) }
        : { kind: 'fixed', amountOff: perCurrency(form, 'off') },
    minimumSubtotal: perCurrency(form, 'min'),
    validFrom: instant(form.get('validFrom')),
    validUntil: instant(form.get('validUntil')),
    usageLimit: limit ? Number(limit) : null,
  };
}

/** A new discount: its code, its value (a percentage or an amount per currency), its least subtotal, dates and limit. */
export function NewDiscountFields() {
  return (
    <>
      <label>
        Code
        <input name="code" required pattern="[A-Za-z0-9_\-]{3,32}" autoComplete="off" />
      </label>
      <fieldset>
        <legend>Value</legend>
        <label className="toggle">
          <input type="radio" name="kind" value="percent" defaultChecked /> Percent off
        </label>
        <label>
          Percent (1–100)
          <input name="percent" type="number" min={1} max={100} />
        </label>
        <label className="toggle">
          <input type="radio" name="kind" value="fixed" /> A fixed amount off, per currency
        </label>
        {CURRENCIES.map((c) => (
          <label key={c}>
            Amount off in {c}
            <input name={`off-${c}`} inputMode="decimal" placeholder="5.00" />
          </label>
        ))}
      </fieldset>
      <fieldset>
        <legend>Least subtotal (optional, per currency)</legend>
        {CURRENCIES.map((c) => (
          <label key={c}>
            {c}
            <input name={`min-${c}`} inputMode="decimal" placeholder="50.00" />
          </label>
        ))}
      </fieldset>
      <label>
        Valid from (optional)
        <input name="validFrom" type="datetime-local" />
      </label>
      <label>
        Valid until (optional)
        <input name="validUntil" type="datetime-local" />
      </label>
      <label>
        Usage limit (optional)
        <input name="usageLimit" type="number" min={1} step={1} />
      </label>
    </>
  );
}
