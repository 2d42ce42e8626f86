'use client';

import { type FormEvent, useId, useState } from 'react';
import {
  CURRENCIES,
  formatDay,
  GRANULARITIES,
  type Granularity,
  PER,
  PRESETS,
  presetOf,
  presetRange,
  type Range,
  rangeProblem,
  rangeSearch,
} from '@/lib/admin/analytics';

/**
 * The range the reports cover: two days, a granularity and a currency, checked before they
 * are sent (so the address never holds a range the API would refuse), or a preset ending today.
 */
export function RangeForm({
  range,
  today,
  timeZone,
  onChange,
}: {
  range: Range;
  today: string;
  timeZone: string;
  onChange: (range: Range) => void;
}) {
  const [error, setError] = useState<string | null>(null);
  const ids = useId();
  const preset = presetOf(range, today);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const next: Range = {
      ...range,
      from: String(form.get('from') ?? ''),
      to: String(form.get('to') ?? ''),
      granularity: String(form.get('granularity')) as Granularity,
      currency: String(form.get('currency')) as Range['currency'],
    };
    const wrong = !next.from || !next.to ? 'Give both days.' : rangeProblem(next);
    setError(wrong);
    if (!wrong) onChange(next);
  };
  return (
    <div className="analytics-range">
      {/* The fields start again from the address whenever it changes (a preset, Back). */}
      <form key={rangeSearch(range)} className="admin-filters" onSubmit={submit} aria-label="Range">
        {/* Labels beside their fields (not around them): a select's name is then its label alone. */}
        <div className="field">
          <label htmlFor={`${ids}-from`}>From</label>
          <input id={`${ids}-from`} type="date" name="from" defaultValue={range.from} max={today} required />
        </div>
        <div className="field">
          <label htmlFor={`${ids}-to`}>To</label>
          <input id={`${ids}-to`} type="date" name="to" defaultValue={range.to} required />
        </div>
        <div className="field">
          <label htmlFor={`${ids}-granularity`}>Per</label>
          <select id={`${ids}-granularity`} name="granularity" defaultValue={range.granularity}>
            {GRANULARITIES.map((g) => (
              <option key={g} value={g}>
                {g}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${ids}-currency`}>Currency</label>
          <select id={`${ids}-currency`} name="currency" defaultValue={range.currency}>
            {CURRENCIES.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </div>
        <button type="submit">Show</button>
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
      </form>
      <fieldset className="presets">
        <legend className="visually-hidden">Quick ranges</legend>
        {PRESETS.map((p) => (
          <button
            key={p.id}
            type="button"
            className="secondary"
            aria-pressed={preset === p.id}
            onClick={() => {
              setError(null);
              onChange({ ...range, ...presetRange(p.id, today) });
            }}
          >
            {p.label}
          </button>
        ))}
      </fieldset>
      <p className="muted">
        {formatDay(range.from)} to {formatDay(range.to)}, {PER[range.granularity]}, in {range.currency}. Days are the
        shop’s ({timeZone}).
      </p>
    </div>
  );
}
