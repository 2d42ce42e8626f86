import { randomBytes } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '@flowdose/testing/db';
import { freePort, spawnTs, until } from '@flowdose/testing/process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

type Probe = { status: string; started: boolean; dependencies: Record<string, string> };

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

/** The projections service as `npm start` runs it, on this file's database and a queue prefix of its own. */
async function startService(env: Record<string, string> = {}) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const service = spawnTs('projections/src/main.ts', [], {
    DATABASE_URL: db.url,
    PROJECTIONS_PORT: String(port),
    QUEUE_PREFIX: `t${randomBytes(4).toString('hex')}`,
    ...env,
  });
  const get = (path: string) =>
    fetch(url + path).then(
      async (r) => ({ status: r.status, body: (await r.json()) as Probe }),
      () => ({ status: 0, body: null }),
    );
  await until(async () => (await get('/health')).status === 200, 30_000, 'projections /health');
  return { ...service, get };
}

describe('the projections service', () => {
  it('is ready once started with Postgres and Redis, and exits cleanly on SIGTERM', async () => {
    const service = await startService();
    try {
      await until(async () => (await service.get('/ready')).status === 200, 30_000, 'projections ready');
      const ready = await service.get('/ready');
      expect(ready.body).toMatchObject({
        status: 'ok',
        started: true,
        dependencies: { postgres: 'ok', redis: 'ok' },
      });
      expect((await service.get('/')).status).toBe(200);
      const stopping = Date.now();
      service.child.kill('SIGTERM');
      expect(await service.exited).toBe(0);
      expect(Date.now() - stopping).toBeLessThan(10_000);
    } finally {
      service.child.kill('SIGKILL');
    }
  });

  it('answers /health but not /ready while nothing listens at REDIS_URL', async () => {
    const service = await startService({ REDIS_URL: `redis://127.0.0.1:${await freePort()}` });
    try {
      const started = Date.now();
      const ready = await service.get('/ready');
      expect(Date.now() - started).toBeLessThan(1500);
      expect(ready.status).toBe(503);
      expect(ready.body).toMatchObject({ status: 'unavailable', started: false });
      expect(ready.body?.dependencies.postgres).toBe('ok');
      expect(ready.body?.dependencies.redis).not.toBe('ok');
      expect((await service.get('/health')).status).toBe(200);
      // Stopping does not wait on Redis past the bound.
      const stopping = Date.now();
      service.child.kill('SIGTERM');
      expect(await service.exited).toBe(0);
      expect(Date.now() - stopping).toBeLessThan(12_000);
    } finally {
      service.child.kill('SIGKILL');
    }
  });
});
