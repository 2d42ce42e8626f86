import { randomUUID } from 'node:crypto';
import { cartStream } from '@flowdose/domain/cart/events';
import { UnwritableEventError } from '@flowdose/domain/event-schemas';
import { projectionStream } from '@flowdose/domain/projection/events';
import { testMetadata } from '@flowdose/testing/events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConcurrencyError } from '../errors.ts';
import type { EventStore, NewEvent, RecordedEvent } from './port.ts';
import { comparePositions, START } from './position.ts';
import { readableAt } from './readable.ts';

export type StoreFactory = () => Promise<{ store: EventStore; cleanup: () => Promise<void> }>;

const metadata = testMetadata;
const event = (type: string, data: unknown = {}): NewEvent => ({ id: randomUUID(), type, data, metadata });
const stream = (prefix = 's') => `${prefix}-${randomUUID()}`;

/** The behaviour every EventStore adapter must show; each adapter's test file runs it. */
export function eventStoreContract(adapter: string, factory: StoreFactory) {
  describe(`EventStore contract: ${adapter}`, () => {
    let store: EventStore;
    let cleanup: () => Promise<void>;
    beforeAll(async () => {
      ({ store, cleanup } = await factory());
    });
    afterAll(async () => {
      await store.close();
      await cleanup();
    });

    it('appends to a new stream and reads it back in order', async () => {
      const s = stream();
      const result = await store.append(s, [event('A', { n: 1 }), event('B', { n: 2 })], 'no_stream');
      expect(result.nextVersion).toBe(2n);
      expect(result.duplicate).toBe(false);
      const events = await store.readStream(s);
      expect(events.map((e) => [e.type, e.streamPosition, e.data])).toEqual([
        ['A', 1n, { n: 1 }],
        ['B', 2n, { n: 2 }],
      ]);
      expect(comparePositions(events[1]!.position, result.position)).toBe(0);
      expect(events[0]!.metadata).toEqual(metadata);
    });

    it('refuses a wrong expected version and appends nothing', async () => {
      const s = stream();
      await store.append(s, [event('A')], 'no_stream');
      await expect(store.append(s, [event('B')], 0n)).rejects.toBeInstanceOf(ConcurrencyError);
      await expect(store.append(s, [event('B')], 'no_stream')).rejects.toBeInstanceOf(ConcurrencyError);
      await expect(store.append(stream(), [event('B')], 'stream_exists')).rejects.toBeInstanceOf(ConcurrencyError);
      await expect(store.append(s, [event('B')], 5n)).rejects.toMatchObject({ actual: 1n });
      expect(await store.readStream(s)).toHaveLength(1);
      expect((await store.append(s, [event('C')], 1n)).nextVersion).toBe(2n);
      expect((await store.append(s, [event('D')], 'stream_exists')).nextVersion).toBe(3n);
      expect((await store.append(s, [event('E')], 'any')).nextVersion).toBe(4n);
    });

    it('answers a repeated append with the original result and writes nothing', async () => {
      const s = stream();
      const batch = [event('A'), event('B')];
      const first = await store.append(s, batch, 'no_stream');
      await store.append(s, [event('C')], 'any');
      const again = await store.append(s, batch, 'no_stream');
      expect(again).toEqual({ ...first, duplicate: true });
      expect(await store.readStream(s)).toHaveLength(3);
    });

    it('refuses a whole append when one event does not fit its stream’s schema, and writes none of it', async () => {
      const cartId = randomUUID();
      const s = cartStream(cartId);
      const opened = event('CartOpened', { cartId, currency: 'EUR' });
      const line = { cartId, lineId: randomUUID(), sku: 'MUG-WHITE', unitPrice: { amount: 1200, currency: 'EUR' } };
      const refusal = await store
        .append(s, [opened, event('CartItemAdded', { ...line, quantity: 0 })], 'no_stream')
        .then(
          () => null,
          (error: unknown) => error,
        );
      expect(refusal).toBeInstanceOf(UnwritableEventError);
      const e = refusal as UnwritableEventError;
      expect(e.message).toContain(`CartItemAdded (schemaVersion 1) refused for ${s}`);
      expect(e.issues.map((i) => i.path.join('.'))).toEqual(['data.quantity']);
      expect(e).toMatchObject({ streamId: s, type: 'CartItemAdded' });
      expect(await store.readStream(s)).toEqual([]);
      // A type the stream does not know, and the projections' own stream, likewise.
      await expect(store.append(s, [event('CartTeleported', { cartId })], 'any')).rejects.toThrow(/CartTeleported/);
      await expect(
        store.append(projectionStream('carts'), [event('DeadLetterSkipped', { projection: 'carts' })], 'any'),
      ).rejects.toBeInstanceOf(UnwritableEventError);
      expect(await store.readStream(projectionStream('carts'))).toEqual([]);
      // The same events, fitting, go in.
      const fits = await store.append(s, [opened, event('CartItemAdded', { ...line, quantity: 2 })], 'no_stream');
      expect(fits.nextVersion).toBe(2n);
    });

    it('reads a stream backward, from a version, with a limit', async () => {
      const s = stream();
      await store.append(
        s,
        ['A', 'B', 'C', 'D'].map((t) => event(t)),
        'no_stream',
      );
      const types = (events: RecordedEvent[]) => events.map((e) => e.type);
      expect(types(await store.readStream(s, { direction: 'backward' }))).toEqual(['D', 'C', 'B', 'A']);
      expect(types(await store.readStream(s, { fromVersion: 2n, limit: 2 }))).toEqual(['B', 'C']);
      expect(types(await store.readStream(s, { direction: 'backward', fromVersion: 2n }))).toEqual(['B', 'A']);
      expect(await store.readStream(stream())).toEqual([]);
    });

    it('serialises concurrent appends to one stream: one winner per version', async () => {
      const s = stream();
      await store.append(s, [event('A')], 'no_stream');
      const results = await Promise.allSettled(Array.from({ length: 10 }, () => store.append(s, [event('B')], 1n)));
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const anyResults = await Promise.all(Array.from({ length: 10 }, () => store.append(s, [event('C')], 'any')));
      expect(new Set(anyResults.map((r) => r.nextVersion)).size).toBe(10);
      expect(await store.readStream(s)).toHaveLength(12);
    });

    it('reads the global log in pages, filtered by type, up to a position', async () => {
      const s = stream();
      const start = (await store.head()) ?? START;
      const { position } = await store.append(
        s,
        ['A', 'B', 'A', 'B', 'A'].map((t) => event(t)),
        'no_stream',
      );
      await readableAt(store, position);
      const all: RecordedEvent[] = [];
      let after = start;
      for (;;) {
        const { events } = await store.readAll(after, { limit: 2 });
        if (events.length === 0) break;
        all.push(...events);
        after = events[events.length - 1]!.position;
      }
      const mine = all.filter((e) => e.streamId === s);
      expect(mine.map((e) => e.type)).toEqual(['A', 'B', 'A', 'B', 'A']);
      const onlyA = await store.readAll(start, { types: ['A'] });
      expect(onlyA.events.filter((e) => e.streamId === s)).toHaveLength(3);
      const upTo = await store.readAll(start, { to: mine[1]!.position });
      expect(upTo.events.filter((e) => e.streamId === s).map((e) => e.type)).toEqual(['A', 'B']);
      expect(comparePositions((await store.head())!, mine[4]!.position)).toBeGreaterThanOrEqual(0);
    });

    it('reads several types in log order, in pages, up to a position', async () => {
      const s = stream();
      const start = (await store.head()) ?? START;
      const { position } = await store.append(
        s,
        ['X', 'Y', 'Z', 'X', 'Z', 'Z', 'Y', 'X', 'Z'].map((t, i) => event(t, { i })),
        'no_stream',
      );
      await readableAt(store, position);
      const mine = (await store.readStream(s)).map((e) => e.position);
      // Up to the eighth event, in pages of two: the X and Z among the first eight, in order.
      const read: RecordedEvent[] = [];
      let after = start;
      for (;;) {
        const { events } = await store.readAll(after, { types: ['Z', 'X'], limit: 2, to: mine[7] });
        if (events.length === 0) break;
        read.push(...events);
        after = events.at(-1)!.position;
      }
      const seen = read.filter((e) => e.streamId === s).map((e) => `${e.type}${(e.data as { i: number }).i}`);
      expect(seen).toEqual(['X0', 'Z2', 'X3', 'Z4', 'Z5', 'X7']);
      expect((await store.readAll(start, { types: [] })).events).toEqual([]);
    });

    it('a subscriber sees every event of 8 concurrent writers exactly once, in the order it reports', async () => {
      const writers = 8;
      const perWriter = 640; // 5,120 events
      const start = (await store.head()) ?? START;
      const seen: RecordedEvent[] = [];
      const tag = randomUUID();
      let done: () => void;
      const allSeen = new Promise<void>((resolve) => {
        done = resolve;
      });
      const subscription = store.subscribe({
        after: start,
        onEvents: async (events) => {
          for (const e of events) if ((e.data as { tag?: string }).tag === tag) seen.push(e);
          if (seen.length >= writers * perWriter) done();
        },
      });
      const write = async (w: number) => {
        for (let i = 0; i < perWriter; ) {
          const size = 1 + ((i + w) % 3); // batches of 1 to 3 interleave transactions
          const batch = Array.from({ length: Math.min(size, perWriter - i) }, (_, k) =>
            event('Tick', { tag, w, i: i + k }),
          );
          await store.append(`tick-${tag}-${w}-${i % 7}`, batch, 'any');
          i += batch.length;
        }
      };
      await Promise.all(Array.from({ length: writers }, (_, w) => write(w)));
      await Promise.race([allSeen, new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 30_000))]);
      await subscription.stop();

      expect(seen).toHaveLength(writers * perWriter);
      expect(new Set(seen.map((e) => e.id)).size).toBe(writers * perWriter);
      for (let i = 1; i < seen.length; i++) {
        expect(comparePositions(seen[i - 1]!.position, seen[i]!.position)).toBeLessThan(0);
      }
      // Each writer's events arrive in the order that writer appended them.
      for (let w = 0; w < writers; w++) {
        const mine = seen.filter((e) => (e.data as { w: number }).w === w).map((e) => (e.data as { i: number }).i);
        expect(mine).toEqual(Array.from({ length: perWriter }, (_, i) => i));
      }
    });

    it('a caught-up subscriber is woken by a new append at once', async () => {
      const start = (await store.head()) ?? START;
      const s = stream();
      let resolveSeen: (at: number) => void;
      const seenAt = new Promise<number>((resolve) => {
        resolveSeen = resolve;
      });
      const subscription = store.subscribe({
        after: start,
        onEvents: async (events) => {
          if (events.some((e) => e.streamId === s)) resolveSeen(performance.now());
        },
      });
      await new Promise((r) => setTimeout(r, 200)); // caught up and waiting
      const appendedAt = performance.now();
      await store.append(s, [event('A')], 'no_stream');
      const latency = (await seenAt) - appendedAt;
      await subscription.stop();
      // Far below the 5 s idle poll: only a notification explains it (the margin covers events
      // held back by other databases' transactions on a busy machine).
      expect(latency).toBeLessThan(2500);
    });
  });
}
