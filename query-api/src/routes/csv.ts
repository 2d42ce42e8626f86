import type { Request, Response } from 'express';
import { sendFresh } from './staff.ts';

/** One RFC 4180 field: quoted when it holds a comma, a quote or a line break. */
const field = (value: unknown): string => {
  const text = value === null || value === undefined ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};

/** Rows as RFC 4180 CSV: a header row of `columns`, CRLF line ends. */
export function toCsv(columns: readonly string[], rows: readonly Record<string, unknown>[]): string {
  return [columns, ...rows.map((row) => columns.map((c) => row[c]))]
    .map((cells) => `${cells.map(field).join(',')}\r\n`)
    .join('');
}

/**
 * `{ items }` as JSON, or as CSV when the client prefers `text/csv`: the same items, one row
 * each, with `columns` as header (given, not read off the items, so an empty answer has one).
 */
export function sendItems<T extends object>(
  req: Request,
  res: Response,
  columns: readonly (keyof T & string)[],
  items: readonly T[],
): void {
  if (req.accepts(['application/json', 'text/csv']) !== 'text/csv') {
    sendFresh(res, { items });
    return;
  }
  res.set('Cache-Control', 'no-store');
  res.type('text/csv; charset=utf-8').send(toCsv(columns, items as readonly Record<string, unknown>[]));
}
