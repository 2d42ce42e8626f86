'use client';

import { type ReactNode, useId, useState } from 'react';
import { csvName, formatDay, type Range } from '@/lib/admin/analytics';
import { useStaffJson } from '@/lib/admin/use-staff-json';
import { Pending } from '../pending';
import { DownloadCsv } from './download-csv';

/** A report's address at the query API, through the back office's forwarder. */
const reportPath = (report: string, query: Record<string, string | number>) =>
  `/queries/admin/analytics/${report}?${new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)]))}`;

/** The query of a report counted per period of the range. */
const periodQuery = (range: Range) => ({
  from: range.from,
  to: range.to,
  currency: range.currency,
  granularity: range.granularity,
  limit: 5000,
});

/** What a panel draws from its report's items. */
export type Drawn = {
  /** What the range lacks ("No sales"), said instead of the chart; null when it has something to show. */
  nothing: string | null;
  summary?: ReactNode;
  chart: ReactNode;
  table: ReactNode;
};

/** One analytics report as its panel shows it. */
export type Report<R extends { items: unknown[] }> = {
  id: string;
  title: string;
  /** What the panel shows, in a sentence ("the sales"). */
  what: string;
  /** The report's name at the query API. */
  name: string;
  /** Its query for the range: by default its figures per period. */
  query?: (range: Range) => Record<string, string | number>;
  /** The CSV's name before its range: by default the report's. */
  file?: (range: Range) => string;
  /** Called with no items until the report has come. */
  draw: (items: R['items'], range: Range) => Drawn;
};

/**
 * One report: reads it for the range, and shows its heading, its chart in a box that keeps
 * its height whatever the state (so nothing below moves), its figures as a table (read out by
 * screen readers, shown on request), and its CSV.
 */
export function ReportPanel<R extends { items: unknown[] }>({
  report: { id, title, what, name, query = periodQuery, file, draw },
  range,
  controls,
}: {
  report: Report<R>;
  range: Range;
  controls?: ReactNode;
}) {
  const path = reportPath(name, query(range));
  const loaded = useStaffJson<R>(path);
  const [shown, setShown] = useState(false);
  const tableId = useId();
  const ok = loaded.state === 'ok';
  const { nothing, summary, chart, table } = draw(ok ? loaded.data.items : [], range);
  const drawn = ok && nothing === null;
  return (
    <section className="admin-card analytics-panel" aria-labelledby={`${id}-title`} data-report={id}>
      <div className="panel-head">
        <h2 id={`${id}-title`}>{title}</h2>
        {controls}
      </div>
      <div className="panel-body">
        {drawn ? (
          <>
            {summary}
            {chart}
          </>
        ) : (
          <div className="chart-note">
            {loaded.state === 'not-found' ? (
              <p>Not available: this server does not report {what} yet.</p>
            ) : ok ? (
              <p>{`${nothing} in ${range.currency} from ${formatDay(range.from)} to ${formatDay(range.to)}.`}</p>
            ) : (
              <Pending loaded={loaded} what={`${what[0]!.toUpperCase()}${what.slice(1)}`} />
            )}
          </div>
        )}
      </div>
      <div className="actions">
        <button
          type="button"
          className="secondary"
          aria-pressed={shown}
          aria-controls={tableId}
          disabled={!drawn}
          onClick={() => setShown(!shown)}
        >
          Show table<span className="visually-hidden"> of {what}</span>
        </button>
        <DownloadCsv path={path} name={csvName(file?.(range) ?? name, range)} what={what} disabled={!ok} />
      </div>
      <div id={tableId} className={shown ? 'figures' : 'visually-hidden'}>
        {drawn && table}
      </div>
    </section>
  );
}
