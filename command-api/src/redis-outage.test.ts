import { testConfig } from '@flowdose/shared/config';
import { freePort } from '@flowdose/shared/testing/process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCommandApi } from './test-support.ts';

// Redis is a cache and a queue here: with nothing listening at REDIS_URL, commands still go
// through at once (rate limits count in this process meanwhile), and readiness says why not.
let harness: Awaited<ReturnType<typeof startCommandApi>>;
beforeAll(async () => {
  harness = await startCommandApi(
    testConfig({ REDIS_URL: `redis://127.0.0.1:${await freePort()}`, COMMANDS_PER_MINUTE: '3' }),
  );
});
afterAll(() => harness.close());

describe('with Redis away', () => {
  it('answers commands at once, not after a Redis timeout', async () => {
    const started = Date.now();
    const res = await harness.api.request<{ cartId: string }>('POST', '/carts', { body: { currency: 'EUR' } });
    expect(res.status, res.text).toBe(201);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('still refuses a client past its limit (3 a minute here), counting in this process', async () => {
    // The test above spent one of the three.
    const statuses = [];
    for (let i = 0; i < 3; i++)
      statuses.push((await harness.api.request('POST', '/carts', { body: { currency: 'EUR' } })).status);
    expect(statuses).toEqual([201, 201, 429]);
  });

  it('is not ready, naming Redis, and answers that within about a second', async () => {
    const started = Date.now();
    const res = await harness.api.request<{ dependencies: Record<string, string> }>('GET', '/ready');
    expect(res.status).toBe(503);
    expect(res.body.dependencies.postgres).toBe('ok');
    expect(res.body.dependencies.redis).not.toBe('ok');
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
