import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { figure, scrape } from '@flowdose/testing/metrics';
import { answersOk, freePort, until } from '@flowdose/testing/process';
import { describe, expect, it } from 'vitest';

const PWA = fileURLToPath(new URL('..', import.meta.url));

describe('the storefront server', () => {
  it('serves its figures on its own metrics port, by kind of request, and not on the shop port', async () => {
    if (!existsSync(`${PWA}/.next/BUILD_ID`))
      throw new Error('The storefront is not built: run `npm run build -w pwa`.');
    const [port, metricsPort, nowhere] = [await freePort(), await freePort(), await freePort()];
    // No API behind it: what it forwards answers 503, which is what is counted.
    const web = spawn(process.execPath, ['server.mjs'], {
      cwd: PWA,
      env: {
        ...process.env,
        PORT: String(port),
        HOSTNAME: '127.0.0.1',
        METRICS_PORT: String(metricsPort),
        COMMAND_API_URL: `http://127.0.0.1:${nowhere}`,
        QUERY_API_URL: `http://127.0.0.1:${nowhere}`,
        NEXT_TELEMETRY_DISABLED: '1',
      },
      stdio: 'ignore',
    });
    const exited = new Promise<number | null>((resolve) => web.on('exit', (code) => resolve(code)));
    const base = `http://127.0.0.1:${port}`;
    const metrics = `http://127.0.0.1:${metricsPort}/metrics`;
    try {
      await until(() => answersOk(`${base}/health`), 30_000, 'storefront up');
      expect((await fetch(`${base}/manifest.webmanifest`)).status).toBe(200);
      const media = (await fetch(`${base}/media/abc/640.avif`)).status;
      expect(media).toBe(503);
      const page = await fetch(`${base}/metrics`);
      expect(page.status).not.toBe(200);
      // Read to its end: a request is counted once its answer ends, which a status alone does not say.
      await page.text();

      // Counted when each answer has ended, which the client may hear of before the server does.
      await expect
        .poll(async () => {
          const text = await scrape(metrics);
          return [
            figure(text, 'http_requests_total', { route: 'media', status: '503' }),
            figure(text, 'http_requests_total', { route: 'page', service: 'storefront' }),
          ];
        })
        .toEqual([1, 1]);
      const text = await scrape(metrics);
      expect(figure(text, 'http_requests_total', { method: 'GET', route: 'static', status: '200' })).toBe(1);
      expect(figure(text, 'http_requests_total', { route: 'probe', status: '200' })).toBeGreaterThanOrEqual(1);
      expect(figure(text, 'http_requests_total', { route: 'page', service: 'storefront' })).toBe(1);
      expect(figure(text, 'http_request_duration_seconds_count', { route: 'media', status: '503' })).toBe(1);
      expect(figure(text, 'process_resident_memory_bytes', { service: 'storefront' })).toBeGreaterThan(0);
      expect(figure(text, 'nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);
      expect((await fetch(`http://127.0.0.1:${metricsPort}/`)).status).toBe(404);

      web.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      web.kill('SIGKILL');
    }
  });
});
