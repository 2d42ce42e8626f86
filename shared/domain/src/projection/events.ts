import { z } from 'zod';
import { eventSchema } from '../event-schemas.ts';
import { Id } from '../ids.ts';

/** A read model's name as the projections registry spells it. */
export const ProjectionName = z.string().regex(/^[a-z][a-z0-9_]{0,40}$/);

/** A place in the global log on the wire: "<major>.<minor>" (see the event store's position). */
export const PositionToken = z.string().regex(/^\d{1,19}\.\d{1,19}$/, 'a position token like 1234.56');

/** Why staff skipped an event: said to whoever reads the audit later. */
export const SkipReason = z.string().trim().min(1).max(500);

/**
 * Staff (or the projection's `skip` policy) let a projection pass over an event it could not
 * apply: its read model now lacks what that event said. Recorded on `projection-<name>` so the
 * audit shows who skipped what, when and why.
 */
export const DeadLetterSkipped = z.object({
  type: z.literal('DeadLetterSkipped'),
  data: z.object({
    projection: ProjectionName,
    position: PositionToken,
    eventId: Id,
    eventType: z.string(),
    reason: SkipReason,
  }),
});

export const ProjectionEvent = z.discriminatedUnion('type', [DeadLetterSkipped]);
export type ProjectionEvent = z.infer<typeof ProjectionEvent>;

export const projectionEvents = eventSchema(ProjectionEvent);

export const projectionStream = (projection: string) => `projection-${projection}`;

/** What happened to an event a projection could not apply. */
export const DEAD_LETTER_STATUSES = ['quarantined', 'retried', 'skipped'] as const;
export type DeadLetterStatus = (typeof DEAD_LETTER_STATUSES)[number];

/** Per projection: stop at an event it cannot apply (the default) or skip it and go on. */
export const DEAD_LETTER_POLICIES = ['stop', 'skip'] as const;
export type DeadLetterPolicy = (typeof DEAD_LETTER_POLICIES)[number];
