import { z } from 'zod';

/**
 * Keyset pagination: a cursor is the (sort key, id) pair last seen, opaque to the client,
 * so pages stay stable while rows are added.
 */
export const Cursor = z
  .string()
  .max(400)
  .transform((raw, ctx) => {
    try {
      const value = JSON.parse(Buffer.from(raw, 'base64url').toString());
      if (
        Array.isArray(value) &&
        value.length === 2 &&
        ['string', 'number'].includes(typeof value[0]) &&
        typeof value[1] === 'string'
      ) {
        return value as [string | number, string];
      }
    } catch {
      // falls through to the issue below
    }
    ctx.addIssue({ code: 'custom', message: 'not a cursor from a previous page' });
    return z.NEVER;
  });

export const encodeCursor = (last: [string | number, string]) =>
  Buffer.from(JSON.stringify(last)).toString('base64url');
