'use client';

import type { Currency } from '@flowdose/domain/money';
import Link from 'next/link';
import type { AuditItem } from '@/lib/admin/answers';
import { describeActor, describeEvent } from '@/lib/admin/describe-event';

type Props = {
  items: AuditItem[];
  currency: Currency | null;
  /** On an order's page: the order's own event shown in the state panel. */
  selected?: string;
  onSelect?: (version: string) => void;
  /** Whose stream each event is on: shown for related events, or for all on a correlation. */
  showStream: (item: AuditItem) => boolean;
  /** The correlation being shown, not linked to itself. */
  correlationId?: string;
};

const time = (iso: string) => new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

/** Events as lines a person reads: what happened, who asked, when, and in which request. */
export function EventTimeline({ items, currency, selected, onSelect, showStream, correlationId }: Props) {
  return (
    <ol className="audit-timeline">
      {items.map((item) => {
        const own = onSelect && !item.related;
        const current = own && item.version === selected;
        const text = (
          <>
            <span className="what">{describeEvent(item, currency)}</span>{' '}
            <span className="by">by {describeActor(item.actor)}</span>
          </>
        );
        return (
          <li
            key={item.eventId}
            className={item.related ? 'related' : undefined}
            aria-current={current ? 'step' : undefined}
          >
            <div className="line">
              {own ? (
                <button type="button" className="link step" onClick={() => onSelect(item.version)}>
                  <span className="version">#{item.version}</span> {text}
                </button>
              ) : (
                <span>{text}</span>
              )}
              <span className={`badge actor-${item.actor.kind}`}>
                {item.actor.kind === 'staff' ? `staff · ${item.actor.role}` : item.actor.kind}
              </span>
            </div>
            <div className="meta">
              <time dateTime={item.recordedAt}>{time(item.recordedAt)}</time>
              {showStream(item) && <span className="stream">{item.streamId}</span>}
              {item.correlationId && item.correlationId !== correlationId && (
                <Link href={`/admin/correlations/${item.correlationId}`}>request {item.correlationId.slice(0, 8)}</Link>
              )}
              {item.idempotencyKey && <span title="Idempotency-Key">key {item.idempotencyKey.slice(0, 12)}</span>}
              <span className="type">{item.type}</span>
            </div>
          </li>
        );
      })}
    </ol>
  );
}
