import type { ReactNode } from 'react';
import { formatPeriod, type Granularity } from '@/lib/admin/analytics';

/** One column of figures: its heading, each row's cell, and (in a table with a total row) its total. */
export type Column<T> = {
  label: string;
  /** A number: right-aligned. */
  num?: boolean;
  cell: (row: T) => ReactNode;
  /** Left out: the total row has an empty cell here. */
  total?: ReactNode;
};

/**
 * A report's figures as a table: a row per item headed by `rowHead`, a column per figure, and
 * a total row when `foot` names it.
 */
export function FiguresTable<T>({
  caption,
  head,
  rows,
  rowKey,
  rowHead,
  columns,
  foot,
}: {
  caption: ReactNode;
  /** The heading of the rows' own column ("Period"). */
  head: string;
  rows: readonly T[];
  rowKey: (row: T, index: number) => string | number;
  rowHead: (row: T) => ReactNode;
  columns: Column<T>[];
  foot?: string;
}) {
  const numeric = (c: Column<T>) => (c.num ? 'num' : undefined);
  return (
    <table className="admin-table">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">{head}</th>
          {columns.map((c) => (
            <th key={c.label} scope="col" className={numeric(c)}>
              {c.label}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row, i) => (
          <tr key={rowKey(row, i)}>
            <th scope="row">{rowHead(row)}</th>
            {columns.map((c) => (
              <td key={c.label} className={numeric(c)}>
                {c.cell(row)}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
      {foot && (
        <tfoot>
          <tr>
            <th scope="row">{foot}</th>
            {columns.map((c) =>
              c.total === undefined ? (
                <td key={c.label} />
              ) : (
                <td key={c.label} className={numeric(c)}>
                  {c.total}
                </td>
              ),
            )}
          </tr>
        </tfoot>
      )}
    </table>
  );
}

/** A period heading its row: the bucket as people read it, with the machine-readable day. */
export const PeriodTime = ({ period, granularity }: { period: string; granularity: Granularity }) => (
  <time dateTime={period}>{formatPeriod(period, granularity)}</time>
);
