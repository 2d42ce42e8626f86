import { randomUUID } from 'node:crypto';
import { createSessions } from '@flowdose/shared/auth/sessions';
import { type Role, signAccessToken } from '@flowdose/shared/auth/tokens';
import { createLocalBlobStore } from '@flowdose/shared/blob-store/local';
import { testConfig } from '@flowdose/shared/config';
import { createPostgresEventStore } from '@flowdose/shared/event-store/postgres/store';
import { createLogger } from '@flowdose/shared/logger';
import { createNotifications } from '@flowdose/shared/notifications';
import { createRedis, type Redis } from '@flowdose/shared/redis';
import { createTestDatabase, type TestDatabase } from '@flowdose/testing/db';
import { serve, type TestServer } from '@flowdose/testing/http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.ts';
import { createChangeHub } from '../changes.ts';
import { createPositionWaiter } from '../min-position.ts';

const config = testConfig();
let db: TestDatabase;
let redis: Redis;
let api: TestServer;
let close: () => Promise<void>;

beforeAll(async () => {
  db = await createTestDatabase();
  redis = createRedis(config.REDIS_URL);
  const store = createPostgresEventStore({ pool: db.pool, connectionString: db.url });
  const notifications = createNotifications(db.url, () => {});
  const sessions = createSessions(db.pool, config);
  const changes = createChangeHub({
    url: config.REDIS_URL,
    prefix: config.QUEUE_PREFIX,
    logger: createLogger('test', 'silent'),
  });
  api = await serve(
    buildApp({
      config,
      logger: createLogger('test', 'silent'),
      pool: db.pool,
      redis,
      store,
      sessions,
      waitForPosition: createPositionWaiter(db.pool, notifications, 500),
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
  };
});
afterAll(async () => {
  await close();
  await db.drop();
});

const tokenFor = (role: Role) =>
  signAccessToken(config.AUTH_JWT_SECRET, { userId: randomUUID(), role, sessionId: randomUUID() }, 60);

describe('GET /admin/projections', () => {
  it('needs a token (401), the ops or admin role (403 otherwise)', async () => {
    expect((await api.request('GET', '/admin/projections')).status).toBe(401);
    for (const role of ['customer', 'analyst'] as const) {
      const res = await api.request('GET', '/admin/projections', {
        headers: { Authorization: `Bearer ${await tokenFor(role)}` },
      });
      expect(res.status).toBe(403);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
    for (const role of ['ops', 'admin'] as const) {
      const res = await api.request<{
        projections: { name: string; state: string; lag: number; queue: Record<string, number> | null }[];
      }>('GET', '/admin/projections', {
        headers: { Authorization: `Bearer ${await tokenFor(role)}` },
      });
      expect(res.status).toBe(200);
      expect(res.body.projections.map((p) => p.name)).toContain('carts');
      // Each projection's queue, read from Redis: how many range jobs wait, run and failed.
      for (const p of res.body.projections) {
        expect(p.queue, p.name).toEqual({
          waiting: expect.any(Number),
          active: expect.any(Number),
          failed: expect.any(Number),
          delayed: expect.any(Number),
        });
      }
    }
  });

  it('refuses a token whose session was signed out', async () => {
    const sessions = createSessions(db.pool, config);
    const { accessToken: token } = await sessions.start(randomUUID(), 'ops');
    const { sid: sessionId } = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as {
      sid: string;
    };
    expect(
      (await api.request('GET', '/admin/projections', { headers: { Authorization: `Bearer ${token}` } })).status,
    ).toBe(200);
    await sessions.revoke(sessionId);
    expect(
      (await api.request('GET', '/admin/projections', { headers: { Authorization: `Bearer ${token}` } })).status,
    ).toBe(401);
  });

  it('sends security headers and no CORS grant to an unknown origin', async () => {
    const res = await api.request('GET', '/health', { headers: { Origin: 'https://evil.example' } });
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const allowed = await api.request('GET', '/health', { headers: { Origin: config.CORS_ORIGINS[0]! } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe(config.CORS_ORIGINS[0]);
  });
});
