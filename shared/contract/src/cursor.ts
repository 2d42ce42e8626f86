import { z } from 'zod';
import { fromBase64url, toBase64url } from './base64url.ts';
import { storable } from './storable.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const encodeCursor = (last: readonly (string | number)[]) => toBase64url(JSON.stringify(last));

/** A cursor whose keys `keys` accepts (a tuple of exact shapes); anything else was forged. */
export const cursorOf = <T>(keys: z.ZodType<T>) =>
  z
    .string()
    .max(400)
    .transform((raw, ctx): T => {
      try {
        const parsed = keys.safeParse(JSON.parse(fromBase64url(raw)));
        if (parsed.success) return parsed.data;
      } catch {
        // falls through to the issue below
      }
      ctx.addIssue({ code: 'custom', message: 'not a cursor from a previous page' });
      return z.NEVER;
    });

/**
 * Keyset pagination: a cursor is the (sort key, id) pair last seen, opaque to the client,
 * so pages stay stable while rows are added. Every sort key we page by is a text Postgres
 * can hold (no NUL, no lone surrogate) or a whole number (minor units, epoch ms), and every
 * id a uuid: anything else was forged.
 */
export const Cursor = cursorOf(z.tuple([z.string().refine(storable).or(z.number().int()), z.string().regex(UUID)]));
