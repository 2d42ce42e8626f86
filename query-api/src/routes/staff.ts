import { requireRole } from '@flowdose/shared/http/auth';
import type { Response } from 'express';

/** The back office's reads: every staff role may read them, a customer may not. */
export const staffRead = requireRole('admin', 'ops', 'analyst');

/** Staff read what is true now: no browser or proxy keeps a copy. */
export function sendFresh(res: Response, body: unknown): void {
  res.set('Cache-Control', 'no-store');
  res.json(body);
}
