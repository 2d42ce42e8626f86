import { fromBase64url, toBase64url } from '@flowdose/contract/base64url';
import { ValidationError } from '../errors.ts';
import type { SearchSort } from './port.ts';

type Key = string | number;

/**
 * A search cursor: the sort it was made for and where the page ended (each adapter decides
 * what that is), opaque to clients like the other list routes' cursors.
 */
export const encodeSearchCursor = (sort: SearchSort, keys: readonly Key[]) =>
  toBase64url(JSON.stringify([sort, ...keys]));

const refused = () =>
  new ValidationError([{ path: 'cursor', message: 'not a cursor from a previous page of this search' }]);

/** The keys of a cursor made for `sort`, if `accept` takes them; anything else was forged or belongs to another sort. */
export function decodeSearchCursor<T>(raw: string, sort: SearchSort, accept: (keys: unknown[]) => T | null): T {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fromBase64url(raw));
  } catch {
    throw refused();
  }
  if (!Array.isArray(parsed) || parsed[0] !== sort) throw refused();
  const keys = accept(parsed.slice(1));
  if (keys === null) throw refused();
  return keys;
}
