'use client';

import { useEffect, useState } from 'react';
import type { OrderAt } from '@/lib/admin/answers';
import { currencyOf } from '@/lib/admin/describe-event';
import { useEventLog } from '@/lib/admin/use-event-log';
import { useStaffJson } from '@/lib/admin/use-staff-json';
import { EventTimeline } from './event-timeline';
import { OrderAtVersion } from './order-at-version';
import { ReplayCheck } from './replay-check';

/**
 * An order's audit: its events (and, if wanted, the related events of other streams) as a
 * timeline, the order as it was after any one of them with what that event changed, and a
 * check of today's fold against the orders read model.
 */
export function OrderAudit({ orderId }: { orderId: string }) {
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
          {shown && <OrderAtVersion shown={shown} currency={currency} target={target} onAt={setAt} />}
          <ReplayCheck path={`${base}/replay`} />
        </section>
      </div>
    </section>
  );
}
