import type { RecordedEvent } from '@flowdose/shared/event-store/port';
import { positionToken } from '@flowdose/shared/event-store/position';

export type ActorKind = 'customer' | 'staff' | 'guest' | 'system';
/** `email` is filled at read time (people.ts), never taken from the log. */
export type AuditActor = { kind: ActorKind; id: string | null; role: string; email?: string | null };

/** One event as the audit shows it: what happened, when, who asked and which request it belongs to. */
export type AuditItem = {
  eventId: string;
  streamId: string;
  version: string;
  position: string;
  type: string;
  data: unknown;
  recordedAt: string;
  actor: AuditActor;
  correlationId: string | null;
  causationId: string | null;
  idempotencyKey: string | null;
  /** On an order's list: true for an event of another stream that belongs to the order. */
  related?: boolean;
};

const KINDS: Record<string, ActorKind> = {
  customer: 'customer',
  admin: 'staff',
  ops: 'staff',
  analyst: 'staff',
  guest: 'guest',
  system: 'system',
  'payment-provider': 'system',
};

/**
 * The metadata `handle` writes, read defensively: the log outlives today's shape, and an
 * audit that fails on one odd event is no audit. A role this build does not know is shown
 * as it was recorded, under `system` (nobody signs in with it).
 */
export function actorOf(metadata: unknown): AuditActor {
  const actor = (metadata as { actor?: { userId?: unknown; role?: unknown } } | null)?.actor;
  const role = typeof actor?.role === 'string' ? actor.role : 'unknown';
  const id = typeof actor?.userId === 'string' ? actor.userId : null;
  return { kind: KINDS[role] ?? 'system', id, role };
}

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

export function toItem(event: RecordedEvent, related?: boolean): AuditItem {
  const metadata = (event.metadata ?? {}) as unknown as Record<string, unknown>;
  return {
    eventId: event.id,
    streamId: event.streamId,
    version: event.streamPosition.toString(),
    position: positionToken(event.position),
    type: event.type,
    data: event.data,
    recordedAt: event.createdAt.toISOString(),
    actor: actorOf(metadata),
    correlationId: text(metadata.correlationId),
    causationId: text(metadata.causationId),
    idempotencyKey: text(metadata.idempotencyKey),
    ...(related === undefined ? {} : { related }),
  };
}
