import { testConfig } from '@flowdose/shared/config';
import { freePort } from '@flowdose/testing/process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCommandApi } from '../harness.test-support.ts';

type Probe = { status: string; service: string; dependencies: Record<string, string> };

describe('probes with every dependency up', () => {
  let s: Awaited<ReturnType<typeof startCommandApi>>;
  beforeAll(async () => {
    s = await startCommandApi(testConfig());
  });
  afterAll(() => s.close());

  it('/health says the process is alive', async () => {
    const res = await s.api.request<Probe>('GET', '/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok', service: 'command-api' });
  });

  it('/ready says Postgres and Redis answer', async () => {
    const res = await s.api.request<Probe>('GET', '/ready');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.body).toEqual({
      status: 'ok',
      service: 'command-api',
      dependencies: { postgres: 'ok', redis: 'ok' },
    });
  });
});

describe('probes with nothing listening at REDIS_URL', () => {
  let s: Awaited<ReturnType<typeof startCommandApi>>;
  beforeAll(async () => {
    s = await startCommandApi(testConfig({ REDIS_URL: `redis://127.0.0.1:${await freePort()}` }));
    // Refused connections are the point here, not news.
    s.redis.on('error', () => {});
  });
  afterAll(() => s.close());

  it('/ready answers 503 within its timeout, naming Redis, while /health stays 200', async () => {
    const started = Date.now();
    const res = await s.api.request<Probe>('GET', '/ready');
    // Past the probe's 1 s timeout with room for a busy machine; far short of a hang.
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(res.status).toBe(503);
    expect(res.body.status).toBe('unavailable');
    expect(res.body.dependencies.postgres).toBe('ok');
    expect(res.body.dependencies.redis).not.toBe('ok');
    expect(res.body.dependencies.redis).toEqual(expect.any(String));
    expect((await s.api.request('GET', '/health')).status).toBe(200);
  });
});
