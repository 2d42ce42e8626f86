import { eventSchema, UnreadableEventError } from '@flowdose/domain/event-schemas';
import type { RecordedEvent } from '@flowdose/shared/event-store/port';
import { testMetadata } from '@flowdose/testing/events';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineChunkProjection, source, sql } from './projection.ts';

// Two kinds of stream: pings (today version 2: a ping names its loudness, version 1's were
// all quiet) and pongs.
const Ping = z.object({ type: z.literal('Ping'), data: z.object({ id: z.string(), loud: z.boolean() }) });
const Unping = z.object({ type: z.literal('Unping'), data: z.object({ id: z.string() }) });
const pings = eventSchema(z.discriminatedUnion('type', [Ping, Unping]), {
  version: 2,
  upcasters: { 1: (e) => (e.type === 'Ping' ? { ...e, data: { loud: false, ...(e.data as object) } } : e) },
});
const Pong = z.object({ type: z.literal('Pong'), data: z.object({ id: z.string() }) });
const pongs = eventSchema(z.discriminatedUnion('type', [Pong]));

let n = 0n;
const recorded = (type: string, data: object, schemaVersion = 1): RecordedEvent => {
  n++;
  return {
    id: crypto.randomUUID(),
    streamId: `s-${n}`,
    streamPosition: 1n,
    position: { major: n, minor: n },
    type,
    data,
    metadata: { ...testMetadata, schemaVersion },
    createdAt: new Date('2026-03-01T10:00:00Z'),
  };
};

const seen: unknown[][] = [];
const projection = defineChunkProjection({
  name: 'pingpong',
  version: 1,
  sources: [source(pings, ['Ping']), source(pongs, ['Pong'])],
  tables: () => '',
  applyChunk(events, s) {
    seen.push(events.map(({ event, recorded }) => [event.type, event.data, recorded.position.minor]));
    return [sql(`select ${events.length} from ${s}.t`, [])];
  },
});

describe('defineChunkProjection', () => {
  it("hands a chunk's events of its sources to applyChunk at once, in log order, as today's shapes", () => {
    seen.length = 0;
    expect(projection.handles).toEqual(['Ping', 'Pong']);
    const chunk = [
      recorded('Ping', { id: 'a' }),
      recorded('Pong', { id: 'b' }),
      // Not one of its types (run-range reads only its own; anything else is left out).
      recorded('Unping', { id: 'a' }),
      recorded('Ping', { id: 'c', loud: true }, 2),
    ];
    expect(projection.apply(chunk, 'x')).toEqual([{ text: 'select 3 from x.t', values: [] }]);
    const at = chunk.map((e) => e.position.minor);
    expect(seen).toEqual([
      [
        ['Ping', { id: 'a', loud: false }, at[0]],
        ['Pong', { id: 'b' }, at[1]],
        ['Ping', { id: 'c', loud: true }, at[3]],
      ],
    ]);
  });

  it('gives no statements for a chunk without its events, and stops at one that does not fit', () => {
    seen.length = 0;
    expect(projection.apply([recorded('Unping', { id: 'a' })], 'x')).toEqual([]);
    expect(seen).toEqual([]);
    expect(() => projection.apply([recorded('Pong', { id: 'b' }), recorded('Pong', { id: 7 })], 'x')).toThrow(
      UnreadableEventError,
    );
  });
});
