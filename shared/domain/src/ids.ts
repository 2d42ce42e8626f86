import { v5 as uuidv5, v7 as uuidv7 } from 'uuid';
import { z } from 'zod';

export const Id = z.uuid();

export type IdGenerator = { next: () => string };

export const randomIds: IdGenerator = { next: () => uuidv7() };

const NAMESPACE = '6f0c7a52-3a8e-4c1e-9f3e-5d1b2f7a9c41';

/**
 * Ids derived from an Idempotency-Key: a retried request re-derives the same cart, line and
 * event ids, so its append is recognised as a duplicate instead of writing twice.
 */
export const derivedId = (...parts: string[]): string => uuidv5(parts.join('\u0000'), NAMESPACE);
