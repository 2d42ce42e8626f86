'use client';

import type { Currency } from '@flowdose/domain/money';
import { useEffect, useState } from 'react';
import type { OrderAt, Replay } from '@/lib/admin/answers';
import { currencyOf, describeEvent } from '@/lib/admin/describe-event';
import { useStaff } from '@/lib/admin/staff';
import { useEventLog } from '@/lib/admin/use-event-log';
import { problemOf, useStaffJson } from '@/lib/admin/use-staff-json';
import { formatMoney } from '@/lib/format';
import { EventTimeline } from './event-timeline';

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
 * An order's audit: its events (and, if wanted, the related events of other streams) as a
 * timeline, the order as it was after any one of them with what that event changed, and a
 * check of today's fold against the orders read model.
 */
export function OrderAudit({ orderId }: { orderId: string }) {
  const { call } = useStaff();
  const base = `/queries/admin/orders/${encodeURIComponent(orderId)}`;
  const log = useEventLog(`${base}/events`);
  const [related, setRelated] = useState(true);
  const [at, setAt] = useState<string | null>(null);
  const loaded = useStaffJson<OrderAt>(`${base}/state${at ? `?at=${at}` : ''}`);
  // The last state shown stays while the next one loads: stepping does not flicker.
  const [shown, setShown] = useState<OrderAt | null>(null);
  useEffect(() => {
    if (loaded.state === 'ok') setShown(loaded.data);
  }, [loaded]);
  const [replay, setReplay] = useState<{ busy: boolean; result?: Replay; error?: string }>({ busy: false });

  if (log.status.state === 'not-found' || loaded.state === 'not-found') {
    return <p>This order has no events your role may read.</p>;
  }
  const items = related ? log.items : log.items.filter((i) => !i.related);
  const relatedCount = log.items.filter((i) => i.related).length;
  const currency = currencyOf(log.items);
  const latest = shown ? Number(shown.latestVersion) : 1;
  const version = shown ? Number(shown.version) : latest;
  // Where the controls stand: the version asked for last, which may still be loading (two
  // quick clicks on Previous go back two events, not one).
  const target = at ? Number(at) : version;
  const changed = new Set(shown?.changes.map((c) => c.field.split('.')[0]));
  const state = (shown?.state ?? {}) as State;

  async function check() {
    setReplay({ busy: true });
    try {
      const res = await call(`${base}/replay`);
      setReplay(
        res.ok
          ? { busy: false, result: (await res.json()) as Replay }
          : { busy: false, error: (await problemOf(res)).title ?? `HTTP ${res.status}` },
      );
    } catch {
      setReplay({ busy: false, error: 'The network is down' });
    }
  }

  return (
    <section aria-labelledby="audit-title">
      <h2 id="audit-title">History (audit)</h2>
      <div className="audit">
        <section className="audit-history" aria-labelledby="history-title">
          <h3 id="history-title">Events</h3>
          <label className="toggle">
            <input type="checkbox" checked={related} onChange={(e) => setRelated(e.target.checked)} /> Show related
            events of other streams ({relatedCount})
          </label>
          {log.status.state === 'failed' && (
            <p role="alert">The events could not be read: {log.status.problem.title}</p>
          )}
          <EventTimeline
            items={items}
            currency={currency}
            selected={String(version)}
            onSelect={setAt}
            showStream={(i) => !!i.related}
          />
          {log.more && (
            <button type="button" onClick={log.more} disabled={log.status.state === 'loading'}>
              Load more events
            </button>
          )}
        </section>

        <section className="audit-state" aria-labelledby="state-title">
          <h3 id="state-title">The order as it was</h3>
          {loaded.state === 'failed' && <p role="alert">The order could not be folded: {loaded.problem.title}</p>}
          {shown && (
            <>
              <div className="stepper">
                <button type="button" className="secondary" onClick={() => setAt('1')} disabled={target <= 1}>
                  First
                </button>
                <button type="button" onClick={() => setAt(clamp(target - 1, latest))} disabled={target <= 1}>
                  Previous
                </button>
                <input
                  type="range"
                  min={1}
                  max={latest}
                  value={target}
                  onChange={(e) => setAt(e.target.value)}
                  aria-label="Event in the order's history"
                  aria-valuetext={`Event ${target} of ${latest}`}
                />
                <button type="button" onClick={() => setAt(clamp(target + 1, latest))} disabled={target >= latest}>
                  Next
                </button>
                <button
                  type="button"
                  className="secondary"
                  onClick={() => setAt(String(latest))}
                  disabled={target >= latest}
                >
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
          )}
          <h4>Read model</h4>
          <p className="muted">
            Folds every event with today’s rules and compares the result with what the order list shows.
          </p>
          <button type="button" onClick={() => void check()} disabled={replay.busy}>
            {replay.busy ? 'Checking…' : 'Check against read model'}
          </button>
          <div role="status" className="replay">
            {replay.error && <p className="error">The check failed: {replay.error}</p>}
            {replay.result?.consistent === true && (
              <p className="ok">Consistent: the read model matches the events (up to event {replay.result.version}).</p>
            )}
            {replay.result?.consistent === false && (
              <>
                <p className="error">The read model differs from the events:</p>
                <table className="admin-table">
                  <thead>
                    <tr>
                      <th scope="col">Field</th>
                      <th scope="col">From the events</th>
                      <th scope="col">In the read model</th>
                    </tr>
                  </thead>
                  <tbody>
                    {replay.result.differences?.map((d) => (
                      <tr key={d.field}>
                        <td>
                          <code>{d.field}</code>
                        </td>
                        <td>{JSON.stringify(d.decided)}</td>
                        <td>{JSON.stringify(d.readModel)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </>
            )}
          </div>
        </section>
      </div>
    </section>
  );
}
