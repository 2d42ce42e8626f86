import type { EventStore } from './port.ts';
import { comparePositions, type Position } from './position.ts';

/**
 * Resolves once `position` can be read from the global log. Gap-safe reading holds events
 * back while any older transaction in the whole database cluster is open, so a position
 * just returned by an append may need a moment.
 */
export async function readableAt(store: EventStore, position: Position, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const head = await store.head();
    if (head && comparePositions(head, position) >= 0) return;
    if (Date.now() > deadline) throw new Error('position did not become readable in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}
