import { createTestDatabase, type TestDatabase } from '@flowdose/testing/db';
import { figure, scrape } from '@flowdose/testing/metrics';
import { answersOk, freePort, spawnTs, until } from '@flowdose/testing/process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

describe('the command API process', () => {
  it('serves its figures on its metrics port, by route template, and not on its public port', async () => {
    const [port, metricsPort] = [await freePort(), await freePort()];
    const api = spawnTs('command-api/src/main.ts', [], {
      DATABASE_URL: db.url,
      COMMAND_API_PORT: String(port),
      METRICS_PORT: String(metricsPort),
    });
    const base = `http://127.0.0.1:${port}`;
    const metrics = `http://127.0.0.1:${metricsPort}/metrics`;
    try {
      await until(() => answersOk(`${base}/health`), 30_000, 'command API up');
      expect((await fetch(`${base}/metrics`)).status).toBe(404);
      const opened = await fetch(`${base}/carts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ currency: 'EUR' }),
      });
      expect(opened.status).toBe(201);
      const { cartId } = (await opened.json()) as { cartId: string };
      // Refused before any route ran: still counted under its template, not its URL.
      expect((await fetch(`${base}/admin/inventory/MUG-WHITE/restock`, { method: 'POST' })).status).toBe(401);
      expect((await fetch(`${base}/no/such/${cartId}`)).status).toBe(404);

      // The metrics port answers nothing else.
      expect((await fetch(`http://127.0.0.1:${metricsPort}/`)).status).toBe(404);
      const res = await fetch(metrics);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/plain');
      // A request is counted when its answer ends, a moment after the client has it.
      await expect
        .poll(async () => figure(await scrape(metrics), 'http_requests_total', { route: '/carts', status: '201' }))
        .toBe(1);
      const text = await scrape(metrics);
      expect(
        figure(text, 'http_requests_total', { method: 'POST', route: '/admin/inventory/:sku/restock', status: '401' }),
      ).toBe(1);
      // /metrics and /no/such/…: one series for both.
      expect(figure(text, 'http_requests_total', { route: 'unmatched', status: '404' })).toBe(2);
      expect(text).not.toContain(cartId);
      expect(figure(text, 'http_request_duration_seconds_count', { route: '/carts', status: '201' })).toBe(1);
      expect(figure(text, 'flowdose_event_appends_total', { service: 'command-api' })).toBeGreaterThanOrEqual(1);
      expect(figure(text, 'flowdose_events_appended_total')).toBeGreaterThanOrEqual(1);
      expect(figure(text, 'flowdose_pg_pool_connections', { pool: 'main' })).toBeGreaterThanOrEqual(1);
      expect(figure(text, 'flowdose_pg_pool_waiting_requests')).toBe(0);
      expect(figure(text, 'flowdose_redis_reconnects_total', { client: 'queues' })).toBe(0);
      expect(figure(text, 'process_resident_memory_bytes')).toBeGreaterThan(0);
      expect(figure(text, 'nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);

      api.child.kill('SIGTERM');
      expect(await api.exited).toBe(0);
      // Closed with the service.
      await expect(fetch(metrics)).rejects.toThrow();
    } finally {
      api.child.kill('SIGKILL');
    }
  });
});
