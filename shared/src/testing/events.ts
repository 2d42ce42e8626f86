import type { EventMetadata } from '../event-store/port.ts';

export const testMetadata: EventMetadata = {
  correlationId: 'test',
  causationId: 'test',
  actor: { userId: null, role: 'test' },
  idempotencyKey: null,
  schemaVersion: 1,
};
