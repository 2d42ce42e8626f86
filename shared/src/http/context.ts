import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';

export type Actor = { userId: string | null; role: string };

/** Who asked and why: carried into every event's metadata for the admin audit. */
export type CommandContext = {
  requestId: string;
  correlationId: string;
  actor: Actor;
  idempotencyKey: string | null;
};

declare module 'express-serve-static-core' {
  interface Request {
    context: CommandContext;
  }
}

// A caller's id is taken only when short and plain: it is written to every log line and event.
const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The storefront's forwarders send one X-Request-Id per user action, so the storefront's, the
 * APIs' and the events' records of it share that id; a missing or odd one gets a fresh id.
 */
export const requestId = (header: string | string[] | undefined): string =>
  typeof header === 'string' && SAFE_ID.test(header) ? header : randomUUID();

/**
 * Sets req.context; authentication (a later step) replaces the guest actor. The events'
 * correlation id is the caller's X-Correlation-Id when it sends one, else the request id.
 */
export const attachContext: RequestHandler = (req, res, next) => {
  const id = String(req.id);
  const correlation = req.get('X-Correlation-Id');
  req.context = {
    requestId: id,
    correlationId: correlation && SAFE_ID.test(correlation) ? correlation : id,
    actor: { userId: null, role: 'guest' },
    idempotencyKey: null,
  };
  res.set('X-Request-Id', id);
  next();
};
