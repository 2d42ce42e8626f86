import { type ChildProcess, spawn } from 'node:child_process';
import { testConfig } from '@flowdose/shared/config';
import { createMetrics } from '@flowdose/shared/http/metrics';
import { createLogger } from '@flowdose/shared/logger';
import { createRequestRedis, type Redis } from '@flowdose/shared/redis';
import { bearerFor } from '@flowdose/testing/auth';
import { publishTestCatalog } from '@flowdose/testing/catalog';
import { serve, type TestServer } from '@flowdose/testing/http';
import { freePort, until } from '@flowdose/testing/process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from './app.ts';
import { type ChangeHub, createChangeHub } from './changes.ts';
import { startStack } from './harness.test-support.ts';

type Detail = { productId: string; variants: { sku: string; prices: { amount: number; currency: string }[] }[] };
type Page = { items: { handle: string; price: { amount: number } }[] };

// Long-lived entries: whatever freshness these tests see comes from the change feed and
// X-Min-Position, not from entries expiring.
const config = testConfig({ MIN_POSITION_TIMEOUT_MS: '5000', CACHE_TTL_SECONDS: '300' });
const logger = createLogger('test', 'silent');
let stack: Awaited<ReturnType<typeof startStack>>;
let admin: Record<string, string>;
let mugId: string;

beforeAll(async () => {
  stack = await startStack(config);
  admin = await bearerFor(config.AUTH_JWT_SECRET, 'admin');
  await publishTestCatalog(stack.commands, config.AUTH_JWT_SECRET, { stock: 5 });
  const mug = await stack.queries.request<Detail>('GET', '/products/mug-white', {
    headers: { 'X-Min-Position': await headPosition() },
  });
  mugId = mug.body.productId;
});
afterAll(() => stack.close());

/** A position at or past every event appended so far: a harmless command's answer. */
async function headPosition(): Promise<string> {
  const res = await stack.commands.request<{ position: string }>('POST', '/admin/inventory/CAP-BLACK/restock', {
    body: { quantity: 1, reason: 'cache test' },
    headers: admin,
  });
  expect(res.status, res.text).toBe(200);
  return res.body.position;
}

async function reprice(amount: number): Promise<string> {
  const res = await stack.commands.request<{ position: string }>(
    'PATCH',
    `/admin/products/${mugId}/variants/MUG-WHITE`,
    { body: { prices: { EUR: amount, USD: 1390, GBP: 1100 } }, headers: admin },
  );
  expect(res.status, res.text).toBe(200);
  return res.body.position;
}

const eur = (detail: Detail) => detail.variants[0]!.prices.find((p) => p.currency === 'EUR')!.amount;
const listed = (page: Page) => page.items.find((i) => i.handle === 'mug-white')!.price.amount;

async function readMug(api: TestServer, headers: Record<string, string> = {}) {
  const res = await api.request<Detail>('GET', '/products/mug-white', { headers });
  expect(res.status, res.text).toBe(200);
  return { price: eur(res.body), cache: res.headers.get('x-cache') };
}

describe('the read cache', () => {
  it('never serves a price older than the X-Min-Position a read asks for, with readers hammering the same entries', async () => {
    let stop = false;
    const seen = { hit: 0, miss: 0 };
    // Readers without a position keep the entries warm (and may see either price, briefly).
    const hammer = async () => {
      while (!stop) {
        const [detail, page] = await Promise.all([
          readMug(stack.queries),
          stack.queries.request<Page>('GET', '/products?currency=EUR&limit=50'),
        ]);
        expect(page.status).toBe(200);
        if (detail.cache === 'hit') seen.hit++;
        else seen.miss++;
      }
    };
    const hammers = Array.from({ length: 4 }, hammer);
    try {
      for (let round = 0; round < 25; round++) {
        const amount = 1300 + round;
        const at = await reprice(amount);
        const reads = await Promise.all(
          Array.from({ length: 6 }, async (_, i) => {
            if (i % 2 === 0) return (await readMug(stack.queries, { 'X-Min-Position': at })).price;
            const page = await stack.queries.request<Page>('GET', '/products?currency=EUR&limit=50', {
              headers: { 'X-Min-Position': at },
            });
            return listed(page.body);
          }),
        );
        expect(reads, `round ${round}`).toEqual(Array(6).fill(amount));
      }
    } finally {
      stop = true;
      await Promise.all(hammers);
    }
    // The cache did answer: this test is about a cache, not about Postgres.
    expect(seen.hit).toBeGreaterThan(0);
  });

  it('drops an entry as soon as the change notice arrives, far sooner than entries expire', async () => {
    await readMug(stack.queries);
    expect((await readMug(stack.queries)).cache).toBe('hit');
    const at = await reprice(1450);
    // The projection applies it; then its notice reaches the query API.
    await stack.queries.request('GET', '/categories', { headers: { 'X-Min-Position': at } });
    // Entries here live 300 s: the new price within a minute came from the notice (a wait
    // generous for a busy machine, far short of an expiry).
    await until(
      async () => (await readMug(stack.queries)).price === 1450,
      60_000,
      'the new price without X-Min-Position',
    );
  });

  it('with every notice lost, serves an entry at most CACHE_TTL_SECONDS old', async () => {
    // A query API on a channel nobody publishes to: it hears no notice at all.
    const deaf = createChangeHub({ url: config.REDIS_URL, prefix: `${config.QUEUE_PREFIX}-deaf`, logger });
    await deaf.subscribed;
    const api = await serve(
      buildApp({ ...stack.queryDeps, config: { ...config, CACHE_TTL_SECONDS: 2 }, changes: deaf }),
    );
    try {
      await until(async () => (await readMug(api)).cache === 'hit', 5000, 'a warm entry');
      const before = (await readMug(api)).price;
      const at = await reprice(before + 7);
      // A position still gets the truth at once.
      expect((await readMug(api, { 'X-Min-Position': at })).price).toBe(before + 7);
      // Two seconds of life here against the stack's 300: within 30 s, it expired by this
      // instance's TTL (a bound generous for a busy machine, far short of the other).
      await until(async () => (await readMug(api)).price === before + 7, 30_000, 'the entry expiring');
    } finally {
      await api.close();
      deaf.close();
    }
  });

  it('answers every read with Redis stopped, and after FLUSHALL, and hits again once Redis is back', async () => {
    const port = await freePort();
    const url = `redis://127.0.0.1:${port}`;
    let server = startRedis(port);
    const redis: Redis = createRequestRedis(url);
    redis.on('error', () => {});
    const changes: ChangeHub = createChangeHub({ url, prefix: config.QUEUE_PREFIX, logger });
    await changes.subscribed;
    const api = await serve(buildApp({ ...stack.queryDeps, redis, changes }));
    try {
      await until(async () => (await readMug(api)).cache === 'hit', 5000, 'a warm entry');

      server.kill('SIGKILL');
      await until(async () => redis.status !== 'ready', 5000, 'Redis gone');
      const at = await reprice(1500);
      const down = await readMug(api, { 'X-Min-Position': at });
      expect(down).toEqual({ price: 1500, cache: 'miss' });
      const page = await api.request<Page>('GET', '/products?currency=EUR&limit=50');
      expect(page.status).toBe(200);
      expect(listed(page.body)).toBe(1500);

      server = startRedis(port);
      await until(async () => redis.status === 'ready', 10_000, 'Redis back');
      await until(async () => (await readMug(api)).cache === 'hit', 5000, 'hits again');
      expect((await readMug(api)).price).toBe(1500);

      await redis.flushall();
      const flushed = await readMug(api);
      expect(flushed).toEqual({ price: 1500, cache: 'miss' });
      expect((await readMug(api)).cache).toBe('hit');
    } finally {
      await api.close();
      changes.close();
      redis.disconnect();
      server.kill('SIGKILL');
    }
  });

  it("counts its hits, misses and time into the service's metrics registry", async () => {
    const metrics = createMetrics('query-api');
    const api = await serve(buildApp({ ...stack.queryDeps, metrics }));
    try {
      await until(async () => (await readMug(api)).cache === 'hit', 5000, 'a warm entry');
      const text = await metrics.metrics();
      expect(text).toMatch(/flowdose_read_cache_lookups_total\{[^}]*route="product"[^}]*outcome="hit"[^}]*\} [1-9]/);
      expect(text).toMatch(/flowdose_read_cache_seconds_count\{[^}]*route="product"[^}]*source="cache"[^}]*\} [1-9]/);
      // Never on the public port: the metrics port serves them (metrics/serve.ts).
      expect((await api.request('GET', '/metrics')).status).toBe(404);
    } finally {
      await api.close();
    }
  });

  it('is switched off by READ_CACHE=off: every read from the read models', async () => {
    const api = await serve(buildApp({ ...stack.queryDeps, config: { ...config, READ_CACHE: 'off' } }));
    try {
      expect((await readMug(api)).cache).toBe('off');
      expect((await readMug(api)).cache).toBe('off');
    } finally {
      await api.close();
    }
  });
});

/** A Redis of this test's own, so stopping it stops nobody else's. */
function startRedis(port: number): ChildProcess {
  const child = spawn('redis-server', ['--port', String(port), '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  return child;
}
