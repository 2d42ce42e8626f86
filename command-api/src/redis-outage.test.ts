import { createTestDatabase, type TestDatabase } from '@flowdose/shared/testing/db';
import { freePort, spawnTs } from '@flowdose/shared/testing/process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { untilServing } from './test-support.ts';

// Redis is a cache and a queue here: with nothing listening at REDIS_URL, the command API (a
// real process, so a stray rejection would end it) answers commands at once (rate limits
// count in this process meanwhile), and readiness says why not.
let db: TestDatabase;
let api: ReturnType<typeof spawnTs>;
let url: string;
beforeAll(async () => {
  db = await createTestDatabase();
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  api = spawnTs('command-api/src/main.ts', [], {
    DATABASE_URL: db.url,
    REDIS_URL: `redis://127.0.0.1:${await freePort()}`,
    COMMAND_API_PORT: String(port),
    COMMANDS_PER_MINUTE: '3',
  });
  await untilServing(url);
});
afterAll(async () => {
  api.child.kill('SIGTERM');
  expect(await api.exited, 'a clean exit, not a crash').toBe(0);
  await db.drop();
});

const openCart = () =>
  fetch(`${url}/carts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ currency: 'EUR' }),
  });

describe('with Redis away', () => {
  it('answers commands at once, not after a Redis timeout', async () => {
    const started = Date.now();
    const res = await openCart();
    expect(res.status, await res.text()).toBe(201);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('still refuses a client past its limit (3 a minute here), counting in this process', async () => {
    // The test above spent one of the three.
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await openCart()).status);
    expect(statuses).toEqual([201, 201, 429]);
  });

  it('is not ready, naming Redis, and answers that within about a second', async () => {
    const started = Date.now();
    const res = await fetch(`${url}/ready`);
    const body = (await res.json()) as { dependencies: Record<string, string> };
    expect(res.status).toBe(503);
    expect(body.dependencies.postgres).toBe('ok');
    expect(body.dependencies.redis).not.toBe('ok');
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
