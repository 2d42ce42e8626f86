import { randomUUID } from 'node:crypto';
import { UnwritableEventError } from '@flowdose/domain/event-schemas';
import { createTestDatabase, type TestDatabase } from '@flowdose/testing/db';
import { testMetadata } from '@flowdose/testing/events';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventStoreContract } from '../contract.test-support.ts';
import { START } from '../position.ts';
import { readableAt } from '../readable.ts';
import { createPostgresEventStore } from './store.ts';

eventStoreContract('postgres', async () => {
  const db = await createTestDatabase();
  // idlePollMs is long so that the wake-up test can only pass through a notification.
  const store = createPostgresEventStore({ pool: db.pool, connectionString: db.url, idlePollMs: 5000 });
  return { store, cleanup: db.drop };
});

describe('postgres global log gap safety', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => db.drop());

  it('holds back events committed after an older open transaction until it commits', async () => {
    const store = createPostgresEventStore({ pool: db.pool, connectionString: db.url });
    const meta = JSON.stringify({});
    const slow = new pg.Client({ connectionString: db.url });
    await slow.connect();
    // The slow writer takes its transaction id (and identity value) first, commits last.
    await slow.query('begin');
    await slow.query(
      `insert into events (stream_id, stream_position, event_id, type, data, metadata) values ('slow-1', 1, $1, 'Slow', '{}', $2)`,
      [randomUUID(), meta],
    );
    const fast = await store.append(
      'fast-1',
      [{ id: randomUUID(), type: 'Fast', data: {}, metadata: JSON.parse(meta) }],
      'any',
    );

    const before = await store.readAll(START);
    expect(before.events.map((e) => e.type)).toEqual([]);
    expect(before.heldBack).toBe(true);

    await slow.query('commit');
    await slow.end();
    await readableAt(store, fast.position);
    const after = await store.readAll(START);
    expect(after.events.map((e) => e.type)).toEqual(['Slow', 'Fast']);
    expect(after.events[1]!.position).toEqual(fast.position);
    expect(after.events[0]!.position.minor < after.events[1]!.position.minor).toBe(true);
    await store.close();
  });
});

describe('postgres store with a clock (tests and simulations)', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => db.drop());

  it("stamps created_at from the clock it is given, and from the database's without one", async () => {
    let now = new Date('2026-03-01T10:00:00Z');
    const clocked = createPostgresEventStore({ pool: db.pool, connectionString: db.url, clock: { now: () => now } });
    const plain = createPostgresEventStore({ pool: db.pool, connectionString: db.url });
    const event = () => ({ id: randomUUID(), type: 'Ticked', data: {}, metadata: testMetadata });
    const s = `clock-${randomUUID()}`;
    await clocked.append(s, [event(), event()], 'no_stream');
    now = new Date('2026-03-03T09:30:00Z');
    await clocked.append(s, [event()], 'any');
    const before = Date.now();
    await plain.append(s, [event()], 'any');
    const stamps = (await plain.readStream(s)).map((e) => e.createdAt.getTime());
    expect(stamps.slice(0, 3)).toEqual([
      Date.parse('2026-03-01T10:00:00Z'),
      Date.parse('2026-03-01T10:00:00Z'),
      Date.parse('2026-03-03T09:30:00Z'),
    ]);
    // The database's clock: within the last minute (the two clocks may differ by a little).
    expect(Math.abs(stamps[3]! - before)).toBeLessThan(60_000);
    await clocked.close();
    await plain.close();
  });
});

describe('postgres store with its append check off (tests that plant what readers must cope with)', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => db.drop());

  it('appends an event its stream’s schema refuses, which a checked store will not', async () => {
    const checked = createPostgresEventStore({ pool: db.pool, connectionString: db.url });
    const planter = createPostgresEventStore({ pool: db.pool, connectionString: db.url, checkEvents: false });
    const cartId = randomUUID();
    const opened = { id: randomUUID(), type: 'CartOpened', data: { cartId, currency: 'XXX' }, metadata: testMetadata };
    await expect(checked.append(`cart-${cartId}`, [opened], 'no_stream')).rejects.toBeInstanceOf(UnwritableEventError);
    await planter.append(`cart-${cartId}`, [opened], 'no_stream');
    expect((await checked.readStream(`cart-${cartId}`)).map((e) => e.data)).toEqual([{ cartId, currency: 'XXX' }]);
    await checked.close();
    await planter.close();
  });
});
