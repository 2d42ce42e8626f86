'use client';

import Link from 'next/link';
import { currencyOf } from '@/lib/admin/describe-event';
import { useEventLog } from '@/lib/admin/use-event-log';
import { EventTimeline } from './event-timeline';

const ORDER_STREAM = /^order-(.+)$/;

/** Everything one request caused, on every stream, in the order it was written. */
export function CorrelationView({ correlationId }: { correlationId: string }) {
  const log = useEventLog(`/queries/admin/correlations/${encodeURIComponent(correlationId)}`);
  if (log.status.state === 'not-found') {
    return (
      <>
        <h1>Request not found</h1>
        <p>No event was recorded for the request {correlationId}.</p>
      </>
    );
  }
  const streams = [...new Set(log.items.map((i) => i.streamId))];
  const orders = streams.map((s) => ORDER_STREAM.exec(s)?.[1]).filter((id): id is string => !!id);
  return (
    <>
      <h1>
        Request <code>{correlationId.slice(0, 8)}</code>
      </h1>
      <p className="muted">
        <code>{correlationId}</code>: {log.items.length} event{log.items.length === 1 ? '' : 's'} on {streams.length}{' '}
        stream{streams.length === 1 ? '' : 's'}
        {orders.map((id) => (
          <span key={id}>
            {' · '}
            <Link href={`/admin/orders/${id}`}>order {id.slice(0, 8)}</Link>
          </span>
        ))}
      </p>
      {log.status.state === 'failed' && <p role="alert">The events could not be read: {log.status.problem.title}</p>}
      <EventTimeline
        items={log.items}
        currency={currencyOf(log.items)}
        showStream={() => true}
        correlationId={correlationId}
      />
      {log.more && (
        <button type="button" onClick={log.more} disabled={log.status.state === 'loading'}>
          Load more events
        </button>
      )}
    </>
  );
}
