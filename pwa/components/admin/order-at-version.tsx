'use client';

import type { Currency } from '@flowdose/domain/money';
import type { OrderAt } from '@/lib/admin/answers';
import { describeEvent } from '@/lib/admin/describe-event';
import { formatMoney } from '@/lib/format';

type State = Record<string, unknown>;

// The order's fields as staff read them, in this order; the rest is in "Everything".
const FIELDS: { key: string; label: string; money?: boolean }[] = [
  { key: 'status', label: 'Status' },
  { key: 'grandTotal', label: 'Total', money: true },
  { key: 'captured', label: 'Captured', money: true },
  { key: 'refunded', label: 'Refunded', money: true },
  { key: 'paymentId', label: 'Payment' },
  { key: 'paymentVoided', label: 'Authorization voided' },
  { key: 'discountCode', label: 'Discount code' },
  { key: 'pending', label: 'Step under way' },
  { key: 'reservations', label: 'Stock held' },
];

function show(value: unknown, currency: Currency | null, money?: boolean): string {
  if (value === null || value === undefined) return '—';
  if (money && typeof value === 'number' && currency) return formatMoney({ amount: value, currency });
  if (Array.isArray(value)) return value.length === 0 ? 'none' : `${value.length}`;
  if (typeof value === 'object') {
    const step = value as { step?: string; amount?: number };
    if (step.step) return step.amount ? `${step.step} ${show(step.amount, currency, true)}` : step.step;
    return JSON.stringify(value);
  }
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  return String(value);
}

/** The version a step control moves to, kept within the order's first and last event. */
const clamp = (v: number, latest: number) => String(Math.min(Math.max(v, 1), latest));

/**
 * The order as it was after one event: controls to step through its history (`target` is the
 * version asked for last, which may still be loading), what that event was and changed, and
 * every field it held then.
 */
export function OrderAtVersion({
  shown,
  currency,
  target,
  onAt,
}: {
  shown: OrderAt;
  currency: Currency | null;
  target: number;
  onAt: (version: string) => void;
}) {
  const latest = Number(shown.latestVersion);
  const version = Number(shown.version);
  const changed = new Set(shown.changes.map((c) => c.field.split('.')[0]));
  const state = (shown.state ?? {}) as State;
  return (
    <>
      <div className="stepper">
        <button type="button" className="secondary" onClick={() => onAt('1')} disabled={target <= 1}>
          First
        </button>
        <button type="button" onClick={() => onAt(clamp(target - 1, latest))} disabled={target <= 1}>
          Previous
        </button>
        <input
          type="range"
          min={1}
          max={latest}
          value={target}
          onChange={(e) => onAt(e.target.value)}
          aria-label="Event in the order's history"
          aria-valuetext={`Event ${target} of ${latest}`}
        />
        <button type="button" onClick={() => onAt(clamp(target + 1, latest))} disabled={target >= latest}>
          Next
        </button>
        <button type="button" className="secondary" onClick={() => onAt(String(latest))} disabled={target >= latest}>
          Latest
        </button>
      </div>
      <p aria-live="polite" className="at">
        After event <strong>{version}</strong> of {latest}: {describeEvent(shown.event, currency)}
      </p>
      <dl className="fields">
        {FIELDS.filter((f) => f.key in state || changed.has(f.key)).map((f) => (
          <div key={f.key} className={changed.has(f.key) ? 'changed' : undefined} data-field={f.key}>
            <dt>{f.label}</dt>
            <dd>
              <span className="value">{show(state[f.key], currency, f.money)}</span>
              {changed.has(f.key) && <span className="visually-hidden"> (changed by this event)</span>}
            </dd>
          </div>
        ))}
      </dl>
      <h4>What this event changed</h4>
      {shown.changes.length === 0 ? (
        <p className="muted">Nothing in the order’s state.</p>
      ) : (
        <ul className="changes">
          {shown.changes.map((c) => (
            <li key={c.field}>
              <code>{c.field}</code>{' '}
              {c.kind === 'added' ? (
                <>set to {JSON.stringify(c.after)}</>
              ) : c.kind === 'removed' ? (
                <>removed (was {JSON.stringify(c.before)})</>
              ) : (
                <>
                  <del>{JSON.stringify(c.before)}</del> → <ins>{JSON.stringify(c.after)}</ins>
                </>
              )}
            </li>
          ))}
        </ul>
      )}
      <details>
        <summary>Everything the order held then</summary>
        <pre>{JSON.stringify(shown.state, null, 2)}</pre>
      </details>
    </>
  );
}
