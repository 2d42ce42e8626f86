import { createTestDatabase, type TestDatabase } from '@flowdose/testing/db';
import { figure, scrape } from '@flowdose/testing/metrics';
import { answersOk, freePort, spawnTs, until } from '@flowdose/testing/process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

describe('the query API process', () => {
  it('serves its figures on its metrics port, by route template, and not on its public port', async () => {
    const [port, metricsPort] = [await freePort(), await freePort()];
    const api = spawnTs('query-api/src/main.ts', [], {
      DATABASE_URL: db.url,
      QUERY_API_PORT: String(port),
      METRICS_PORT: String(metricsPort),
    });
    const base = `http://127.0.0.1:${port}`;
    const metrics = `http://127.0.0.1:${metricsPort}/metrics`;
    try {
      await until(() => answersOk(`${base}/health`), 30_000, 'query API up');
      expect((await fetch(`${base}/metrics`)).status).toBe(404);
      // No projection has made the catalog here: whatever it answers is counted under its template.
      const product = String((await fetch(`${base}/products/no-such-product`)).status);
      expect((await fetch(`${base}/openapi.json`)).status).toBe(200);
      expect((await fetch(`${base}/admin/orders`)).status).toBe(401);

      expect((await fetch(`http://127.0.0.1:${metricsPort}/metrics/x`)).status).toBe(404);
      await expect
        .poll(async () =>
          figure(await scrape(metrics), 'http_requests_total', { route: '/products/:idOrHandle', status: product }),
        )
        .toBe(1);
      const text = await scrape(metrics);
      expect(figure(text, 'http_requests_total', { route: '/admin/orders', status: '401' })).toBe(1);
      expect(figure(text, 'http_requests_total', { method: 'GET', route: '/openapi.json', status: '200' })).toBe(1);
      expect(figure(text, 'http_requests_total', { route: 'unmatched', status: '404' })).toBe(1);
      expect(text).not.toContain('no-such-product');
      expect(figure(text, 'http_request_duration_seconds_bucket', { route: '/products/:idOrHandle', le: '+Inf' })).toBe(
        1,
      );
      expect(figure(text, 'flowdose_pg_pool_connections', { service: 'query-api' })).toBeGreaterThanOrEqual(0);
      expect(figure(text, 'flowdose_redis_reconnects_total', { client: 'requests' })).toBe(0);
      expect(text).toContain('# TYPE flowdose_read_cache_lookups_total counter');
      expect(figure(text, 'process_resident_memory_bytes')).toBeGreaterThan(0);

      api.child.kill('SIGTERM');
      expect(await api.exited).toBe(0);
    } finally {
      api.child.kill('SIGKILL');
    }
  });
});
