import { z } from 'zod';
import { fromBase64url, toBase64url } from './base64url.ts';
import { storable } from './storable.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Keyset pagination: a cursor is the (sort key, id) pair last seen, opaque to the client,
 * so pages stay stable while rows are added.
 */
export const Cursor = z
  .string()
  .max(400)
  .transform((raw, ctx) => {
    try {
      const value = JSON.parse(fromBase64url(raw));
      // Every sort key we page by is a text Postgres can hold (no NUL, no lone surrogate) or a whole
      // number (minor units, epoch ms), and every id a uuid: anything else was forged.
      const key = value?.[0];
      const fair = (typeof key === 'string' && storable(key)) || (typeof key === 'number' && Number.isSafeInteger(key));
      if (Array.isArray(value) && value.length === 2 && fair && UUID.test(String(value[1]))) {
        return value as [string | number, string];
      }
    } catch {
      // falls through to the issue below
    }
    ctx.addIssue({ code: 'custom', message: 'not a cursor from a previous page' });
    return z.NEVER;
  });

export const encodeCursor = (last: [string | number, string]) => toBase64url(JSON.stringify(last));
