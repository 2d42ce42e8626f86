import type { EventMetadata } from '@flowdose/shared/event-store/port';

export const testMetadata: EventMetadata = {
  correlationId: 'test',
  causationId: 'test',
  actor: { userId: null, role: 'test' },
  idempotencyKey: null,
  schemaVersion: 1,
};
