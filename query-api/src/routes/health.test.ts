import { randomUUID } from 'node:crypto';
import { appendCartHistories } from '@flowdose/projections/harness.test-support';
import { projections } from '@flowdose/projections/registry';
import { catchUp } from '@flowdose/projections/run-range';
import { createSchema } from '@flowdose/projections/schema';
import { createSessions } from '@flowdose/shared/auth/sessions';
import { signAccessToken } from '@flowdose/shared/auth/tokens';
import { createLocalBlobStore } from '@flowdose/shared/blob-store/local';
import { testConfig } from '@flowdose/shared/config';
import type { EventStore } from '@flowdose/shared/event-store/port';
import { createPostgresEventStore } from '@flowdose/shared/event-store/postgres/store';
import { createLogger } from '@flowdose/shared/logger';
import { createNotifications } from '@flowdose/shared/notifications';
import { liveSchema } from '@flowdose/shared/read-models';
import { createRequestRedis } from '@flowdose/shared/redis';
import { createTestDatabase, type TestDatabase } from '@flowdose/testing/db';
import { serve } from '@flowdose/testing/http';
import { freePort, spawnTs, until } from '@flowdose/testing/process';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.ts';
import { createChangeHub } from '../changes.ts';
import { startStack } from '../harness.test-support.ts';
import { createPositionWaiter } from '../min-position.ts';
import { healthRoute } from './health.ts';

type Probe = { status: string; service: string; dependencies: Record<string, string> };
const config = testConfig();

describe('probes with every dependency up and the read models current', () => {
  let stack: Awaited<ReturnType<typeof startStack>>;
  beforeAll(async () => {
    stack = await startStack(config);
  });
  afterAll(() => stack.close());

  it('/health says the process is alive', async () => {
    const res = await stack.queries.request<Probe>('GET', '/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok', service: 'query-api' });
  });

  it('/ready says Postgres, Redis and the read models are fine', async () => {
    const res = await stack.queries.request<Probe>('GET', '/ready');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.body).toEqual({
      status: 'ok',
      service: 'query-api',
      dependencies: { postgres: 'ok', redis: 'ok', projections: 'ok' },
    });
  });
});

describe('probes with nothing listening at REDIS_URL', () => {
  let db: TestDatabase;
  let close: () => Promise<void>;
  let api: Awaited<ReturnType<typeof serve>>;
  beforeAll(async () => {
    db = await createTestDatabase();
    for (const p of projections) await createSchema(db.pool, p, liveSchema(p.name));
    const redis = createRequestRedis(`redis://127.0.0.1:${await freePort()}`);
    redis.on('error', () => {});
    const store = createPostgresEventStore({ pool: db.pool, connectionString: db.url });
    const notifications = createNotifications(db.url, () => {});
    // Redis is away here too: the hub waits for it without failing anything.
    const changes = createChangeHub({
      url: `redis://127.0.0.1:${await freePort()}`,
      prefix: 'away',
      logger: createLogger('test', 'silent'),
    });
    api = await serve(
      buildApp({
        config,
        logger: createLogger('test', 'silent'),
        pool: db.pool,
        redis,
        store,
        sessions: createSessions(db.pool, config),
        waitForPosition: createPositionWaiter(db.pool, notifications, 1000),
        blobs: createLocalBlobStore(config.MEDIA_DIR),
        renditions: null,
        changes,
      }),
    );
    close = async () => {
      await api.close();
      await notifications.close();
      changes.close();
      await store.close();
      redis.disconnect();
      await db.drop();
    };
  });
  afterAll(() => close());

  it('/ready answers 503 at once, naming Redis, while /health stays 200', async () => {
    const started = Date.now();
    const res = await api.request<Probe>('GET', '/ready');
    // Past the probe's 1 s timeout with room for a busy machine; far short of a hang.
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(res.status).toBe(503);
    expect(res.body.status).toBe('unavailable');
    expect(res.body.dependencies).toMatchObject({ postgres: 'ok', projections: 'ok' });
    expect(res.body.dependencies.redis).not.toBe('ok');
    expect(res.body.dependencies.redis).toEqual(expect.any(String));
    expect((await api.request('GET', '/health')).status).toBe(200);
  });
});

describe('probes while the read models lag behind the log', () => {
  let db: TestDatabase;
  let store: EventStore;
  let close: () => Promise<void>;
  let probe: (maxDelaySeconds?: number) => Promise<{ status: number; body: Probe }>;
  beforeAll(async () => {
    db = await createTestDatabase();
    store = createPostgresEventStore({ pool: db.pool, connectionString: db.url });
    const redis = createRequestRedis(config.REDIS_URL);
    const servers = await Promise.all(
      [undefined, 1].map((maxDelaySeconds) =>
        serve(
          express().use(
            healthRoute({ pool: db.pool, redis }, maxDelaySeconds === undefined ? {} : { maxDelaySeconds }),
          ),
        ),
      ),
    );
    probe = (maxDelaySeconds) => servers[maxDelaySeconds === undefined ? 0 : 1]!.request<Probe>('GET', '/ready');
    close = async () => {
      for (const s of servers) await s.close();
      await store.close();
      redis.disconnect();
      await db.drop();
    };
    await appendCartHistories(store, 3);
  });
  afterAll(() => close());

  it('is not ready while a read model does not exist yet', async () => {
    const res = await probe();
    expect(res.status).toBe(503);
    expect(res.body.dependencies.projections).toBe(projections.map((p) => `${p.name} missing`).join(', '));
  });

  it('is ready while the oldest unapplied event is recent, and not once it waited too long', async () => {
    for (const p of projections) await createSchema(db.pool, p, liveSchema(p.name));
    expect((await probe()).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1100));
    const late = await probe(1);
    expect(late.status).toBe(503);
    expect(late.body.dependencies).toMatchObject({ postgres: 'ok', redis: 'ok' });
    // Each lagging model is named with its delay (in the registry's order, which others join).
    expect(late.body.dependencies.projections).toMatch(/(^|, )carts \d+ s behind, catalog \d+ s behind(, |$)/);
    // The default bound (30 s) still holds.
    expect((await probe()).status).toBe(200);
  });

  it('is ready again once every read model has applied the log', async () => {
    const head = (await store.head())!;
    for (const p of projections) await catchUp(db.pool, store, p, liveSchema(p.name), head);
    expect((await probe(1)).status).toBe(200);
  });
});

describe('the query API process on SIGTERM', () => {
  it('answers the requests under way, refuses new connections, then exits', async () => {
    const db = await createTestDatabase();
    for (const p of projections) await createSchema(db.pool, p, liveSchema(p.name));
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const api = spawnTs('query-api/src/main.ts', [], {
      DATABASE_URL: db.url,
      QUERY_API_PORT: String(port),
      MIN_POSITION_TIMEOUT_MS: '2000',
    });
    try {
      const up = () =>
        fetch(`${url}/health`).then(
          (r) => r.ok,
          () => false,
        );
      await until(up, 30_000, 'query API up');
      const token = await signAccessToken(
        'test-jwt-secret-test-jwt-secret-test-0000',
        { userId: randomUUID(), role: 'admin', sessionId: randomUUID() },
        60,
      );
      // Waits (2 s) for a position the orders read model never reaches.
      const started = Date.now();
      const waiting = fetch(`${url}/admin/orders`, {
        headers: { Authorization: `Bearer ${token}`, 'X-Min-Position': '999999999.1' },
      });
      await new Promise((r) => setTimeout(r, 300));
      api.child.kill('SIGTERM');
      await until(async () => !(await up()), 5_000, 'new connections refused');
      const answer = await waiting;
      expect(answer.status).toBe(503);
      expect(((await answer.json()) as { type: string }).type).toBe('/problems/position-not-reached');
      expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
      // 0: it stopped within its own 10 s bound (past it, it exits 1).
      expect(await api.exited).toBe(0);
    } finally {
      api.child.kill('SIGKILL');
      await db.drop();
    }
  });
});
