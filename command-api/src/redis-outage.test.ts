import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bearerFor } from '@flowdose/testing/auth';
import { createTestDatabase, type TestDatabase } from '@flowdose/testing/db';
import { testImage, uploadImage } from '@flowdose/testing/images';
import { freePort, spawnTs } from '@flowdose/testing/process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { untilServing } from './harness.test-support.ts';

// Redis is a cache and a queue here: with nothing listening at REDIS_URL, the command API (a
// real process, so a stray rejection would end it) answers commands at once (rate limits
// count in this process meanwhile), readiness says why not, and what needs the job queues
// (an image's renditions, a rebuild) is a 503 with Retry-After, not a wait for Redis.
const JWT_SECRET = 'test-jwt-secret-test-jwt-secret-test-0000'; // spawnTs's
let db: TestDatabase;
let api: ReturnType<typeof spawnTs>;
let url: string;
const mediaDir = join(tmpdir(), `flowdose-media-outage-${randomUUID()}`);
beforeAll(async () => {
  db = await createTestDatabase();
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  api = spawnTs('command-api/src/main.ts', [], {
    DATABASE_URL: db.url,
    REDIS_URL: `redis://127.0.0.1:${await freePort()}`,
    COMMAND_API_PORT: String(port),
    COMMANDS_PER_MINUTE: '3',
    STAFF_COMMANDS_PER_MINUTE: '1000',
    MEDIA_DIR: mediaDir,
  });
  await untilServing(url);
});
afterAll(async () => {
  api.child.kill('SIGTERM');
  expect(await api.exited, 'a clean exit, not a crash').toBe(0);
  await db.drop();
  await rm(mediaDir, { recursive: true, force: true });
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

describe('with Redis away, what goes through the job queues', () => {
  // The queues' connection retries for as long as Redis is away; before the bound these
  // waited 10-25 s (or until the client gave up). Far short of that, with room for a busy machine.
  const NOT_A_HANG_MS = 5000;

  it('an image upload answers 503 with Retry-After and records nothing', async () => {
    const admin = await bearerFor(JWT_SECRET, 'admin');
    const created = await fetch(`${url}/admin/products`, {
      method: 'POST',
      headers: { ...admin, 'content-type': 'application/json' },
      body: JSON.stringify({
        title: 'Outage',
        handle: 'outage',
        description: '',
        category: 'test',
        tags: [],
        options: [],
        variants: [{ sku: 'OUTAGE', optionValues: {}, prices: { EUR: 100 }, weightGrams: 1 }],
      }),
    });
    expect(created.status, await created.clone().text()).toBe(201);
    const { productId } = (await created.json()) as { productId: string };
    const started = Date.now();
    const res = await uploadImage(url, productId, await testImage({ width: 200, height: 100 }), {
      headers: { ...admin, 'Idempotency-Key': randomUUID() },
    });
    expect(Date.now() - started).toBeLessThan(NOT_A_HANG_MS);
    expect(res.status, res.text).toBe(503);
    expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const { rows } = await db.pool.query(`select type from events where stream_id = $1 and type like 'ProductImage%'`, [
      `product-${productId}`,
    ]);
    expect(rows).toEqual([]);
  });

  it('a rebuild answers 503 with Retry-After', async () => {
    const started = Date.now();
    const res = await fetch(`${url}/admin/projections/carts/rebuild`, {
      method: 'POST',
      headers: await bearerFor(JWT_SECRET, 'ops'),
    });
    expect(Date.now() - started).toBeLessThan(NOT_A_HANG_MS);
    expect(res.status, await res.clone().text()).toBe(503);
    expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
  });
});
