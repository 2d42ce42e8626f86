import { z } from 'zod';
import { fromBase64url, toBase64url } from './base64url.ts';

/** A place in the log, as the event store's Position (the contract knows no more of the store). */
type Position = { readonly major: bigint; readonly minor: bigint };

/**
 * The audit pages by the log's own order: an order's events with their related ones and a
 * correlation's events after a position, one stream's after a version. A cursor is opaque
 * to the client (base64url of `["p","<major>.<minor>"]` or `["v","<version>"]`) and read
 * strictly: only the exact bytes this module writes are taken back, so a cursor edited by
 * hand, or one from another kind of list, answers 400 and never reaches SQL.
 */
export type PositionCursor = { kind: 'p'; after: Position };
export type VersionCursor = { kind: 'v'; after: bigint };

// Positions and versions are stored as bigint: anything larger would fail in PostgreSQL (a 500).
const INT8_MAX = 9223372036854775807n;
const NUMBER = /^(0|[1-9]\d{0,18})$/;
const BASE64URL = /^[A-Za-z0-9_-]{1,200}$/;

const whole = (text: unknown): bigint | null =>
  typeof text === 'string' && NUMBER.test(text) && BigInt(text) <= INT8_MAX ? BigInt(text) : null;

const encode = (value: [string, string]) => toBase64url(JSON.stringify(value));

export const positionCursor = (after: Position) => encode(['p', `${after.major}.${after.minor}`]);
export const versionCursor = (after: bigint) => encode(['v', after.toString()]);

function decode(raw: string): [string, string] | null {
  if (!BASE64URL.test(raw)) return null;
  try {
    const value: unknown = JSON.parse(fromBase64url(raw));
    if (!Array.isArray(value) || value.length !== 2 || typeof value[0] !== 'string' || typeof value[1] !== 'string')
      return null;
    const pair: [string, string] = [value[0], value[1]];
    // Written by us or not at all: other spacing, escapes, padding bits or a BOM are refused.
    return encode(pair) === raw ? pair : null;
  } catch {
    return null;
  }
}

const issue = 'not a cursor from a previous page of this list';

export const PositionCursorParam = z.string().transform((raw, ctx): PositionCursor => {
  const pair = decode(raw);
  const [major, minor] = pair?.[0] === 'p' ? pair[1].split('.') : [];
  const parsed = { major: whole(major), minor: whole(minor) };
  if (pair && pair[1].split('.').length === 2 && parsed.major !== null && parsed.minor !== null) {
    return { kind: 'p', after: { major: parsed.major, minor: parsed.minor } };
  }
  ctx.addIssue({ code: 'custom', message: issue });
  return z.NEVER;
});

export const VersionCursorParam = z.string().transform((raw, ctx): VersionCursor => {
  const pair = decode(raw);
  const version = pair?.[0] === 'v' ? whole(pair[1]) : null;
  // Below the largest bigint: the next page starts one past it.
  if (version !== null && version > 0n && version < INT8_MAX) return { kind: 'v', after: version };
  ctx.addIssue({ code: 'custom', message: issue });
  return z.NEVER;
});

/** 1 to 500 events a page, 100 unless asked. */
export const Limit = z.coerce.number().int().min(1).max(500).default(100);
