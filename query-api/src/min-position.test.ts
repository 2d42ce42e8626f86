import { PositionNotReachedError } from '@flowdose/shared/errors';
import { createNotifications, type Notifications } from '@flowdose/shared/notifications';
import { PROJECTIONS_CHANNEL } from '@flowdose/shared/read-models';
import { createTestDatabase, type TestDatabase } from '@flowdose/testing/db';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createPositionWaiter, type PositionWaiter } from './min-position.ts';

const TIMEOUT_MS = 3000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let db: TestDatabase;
let notifications: Notifications;
let wait: PositionWaiter;

beforeAll(async () => {
  db = await createTestDatabase();
  notifications = createNotifications(db.url, () => {});
  wait = createPositionWaiter(db.pool, notifications, TIMEOUT_MS);
});
afterAll(async () => {
  await notifications.close();
  await db.drop();
});

// A projection of the test's own, `waiting`: its live schema holds a checkpoint at 7.1.
beforeEach(async () => {
  await db.pool.query(`
    drop schema if exists rm_waiting cascade;
    drop schema if exists rm_waiting_shadow cascade;
    drop schema if exists rm_waiting_retired cascade;
    create schema rm_waiting;
    create table rm_waiting.checkpoint (major bigint not null, minor bigint not null);
    insert into rm_waiting.checkpoint values (7, 1);`);
});

// The backend of the one LISTEN connection; found once the waiter has connected it.
async function listenerPid(): Promise<number> {
  for (let i = 0; i < 100; i++) {
    const { rows } = await db.pool.query<{ pid: number }>(
      `select pid from pg_stat_activity
       where datname = current_database() and pid <> pg_backend_pid() and query ilike 'listen %'`,
    );
    if (rows[0]) return rows[0].pid;
    await sleep(20);
  }
  throw new Error('no listener connected');
}

type Outcome = { ok: boolean; ms: number; error?: unknown };

/**
 * Starts a wait for 7.5; returns its outcome once the wait has had time to register (its
 * listener is connected and its two reads done), so a later change is one it must catch.
 */
async function waitingFor75(): Promise<{ outcome: Promise<Outcome> }> {
  const started = Date.now();
  const outcome = wait('waiting', { major: 7n, minor: 5n }).then(
    () => ({ ok: true, ms: Date.now() - started }),
    (error: unknown) => ({ ok: false, ms: Date.now() - started, error }),
  );
  await listenerPid();
  await sleep(150);
  return { outcome };
}

describe('waiting for a position', () => {
  it('answers when the projector notifies', async () => {
    const { outcome } = await waitingFor75();
    await db.pool.query(
      `with moved as (update rm_waiting.checkpoint set minor = 5 returning 1) select pg_notify($1, $2) from moved`,
      [PROJECTIONS_CHANNEL, 'rm_waiting:7.5'],
    );
    expect(await outcome).toMatchObject({ ok: true });
  });

  it('answers though the checkpoint moved without a notification', async () => {
    const { outcome } = await waitingFor75();
    await db.pool.query('update rm_waiting.checkpoint set minor = 9');
    const { ok, ms, error } = await outcome;
    expect(error).toBeUndefined();
    expect(ok).toBe(true);
    expect(ms).toBeLessThan(TIMEOUT_MS);
  });

  it('answers though the notification was sent while the listener was reconnecting', async () => {
    const { outcome } = await waitingFor75();
    // In one statement: the notification commits before the listener can be back.
    await db.pool.query(
      `with moved as (update rm_waiting.checkpoint set minor = 6 returning 1)
       select pg_terminate_backend($1), pg_notify($2, $3) from moved`,
      [await listenerPid(), PROJECTIONS_CHANNEL, 'rm_waiting:7.6'],
    );
    const { ok, ms, error } = await outcome;
    expect(error).toBeUndefined();
    expect(ok).toBe(true);
    expect(ms).toBeLessThan(TIMEOUT_MS);
  });

  it('answers though a rebuild swapped in a schema that had passed the position', async () => {
    await db.pool.query(`
      create schema rm_waiting_shadow;
      create table rm_waiting_shadow.checkpoint (major bigint not null, minor bigint not null);
      insert into rm_waiting_shadow.checkpoint values (7, 8);`);
    const { outcome } = await waitingFor75();
    // As a rebuild swaps when its shadow is ahead of the live schema: renames, no notification.
    await db.pool.query(`
      begin;
      alter schema rm_waiting rename to rm_waiting_retired;
      alter schema rm_waiting_shadow rename to rm_waiting;
      commit;`);
    const { ok, ms, error } = await outcome;
    expect(error).toBeUndefined();
    expect(ok).toBe(true);
    expect(ms).toBeLessThan(TIMEOUT_MS);
  });

  it('does not answer on a notification alone: anyone who can log in may NOTIFY any position', async () => {
    const { outcome } = await waitingFor75();
    // A forged announcement, the checkpoint still at 7.1: the wait must read the row and go on.
    await db.pool.query('select pg_notify($1, $2)', [PROJECTIONS_CHANNEL, 'rm_waiting:7.9']);
    await sleep(300);
    await db.pool.query('update rm_waiting.checkpoint set minor = 5');
    const { ok, ms, error } = await outcome;
    expect(error).toBeUndefined();
    expect(ok).toBe(true);
    expect(ms).toBeGreaterThanOrEqual(450); // 150 ms of waitingFor75 + 300 ms: not at the forged notification
  });

  it('gives up with PositionNotReachedError after the timeout when the position never comes', async () => {
    const { ok, ms, error } = await (await waitingFor75()).outcome;
    expect(ok).toBe(false);
    expect(error).toBeInstanceOf(PositionNotReachedError);
    expect(ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
  });
});
