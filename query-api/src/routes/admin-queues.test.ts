import { publishTestCatalog } from '@flowdose/testing/catalog';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, startStack } from '../harness.test-support.ts';

let stack: Awaited<ReturnType<typeof startStack>>;
beforeAll(async () => {
  stack = await startStack();
  // Range jobs in the projections' queues, for the board to show.
  await publishTestCatalog(stack.commands, stack.config.AUTH_JWT_SECRET);
});
afterAll(() => stack.close());

type Board = { queues: { name: string; readOnlyMode: boolean; isPaused: boolean; counts: Record<string, number> }[] };

describe('the queue dashboard at /admin/queues', () => {
  it('shows ops and admins every queue, read-only, page and assets alike', async () => {
    for (const role of ['ops', 'admin'] as const) {
      const staff = await bearer(stack.config, role);
      const page = await stack.queries.request('GET', '/admin/queues', { headers: staff });
      expect([role, page.status]).toEqual([role, 200]);
      expect(page.headers.get('content-type')).toContain('text/html');
      expect(page.headers.get('cache-control')).toBe('no-store');
      // Its assets and API calls resolve under the same path, on this API and in the back office.
      expect(page.text).toContain('<base href="/admin/queues/"');
      const script = /src="(static\/js\/main\.[^"]+\.js)"/.exec(page.text)?.[1];
      expect(script).toBeDefined();
      const asset = await stack.queries.request('GET', `/admin/queues/${script}`, { headers: staff });
      expect(asset.status).toBe(200);
      expect(asset.headers.get('content-type')).toContain('javascript');

      const board = await stack.queries.request<Board>('GET', '/admin/queues/api/queues?activeQueue=&page=1', {
        headers: staff,
      });
      expect(board.status).toBe(200);
      const names = board.body.queues.map((q) => q.name);
      expect(names).toEqual(
        expect.arrayContaining(['projection-orders', 'projection-catalog', 'projection-rebuilds', 'media-renditions']),
      );
      expect(board.body.queues.every((q) => q.readOnlyMode)).toBe(true);
    }
    // The catalog's events went through the projections' range queues.
    const board = await stack.queries.request<Board>('GET', '/admin/queues/api/queues?activeQueue=&page=1', {
      headers: await bearer(stack.config, 'ops'),
    });
    const catalog = board.body.queues.find((q) => q.name === 'projection-catalog');
    expect(catalog?.counts.completed).toBeGreaterThan(0);
  });

  it('changes nothing, whatever it is asked', async () => {
    const ops = await bearer(stack.config, 'ops');
    for (const [method, path] of [
      ['PUT', '/admin/queues/api/queues/media-renditions/pause'],
      ['PUT', '/admin/queues/api/queues/projection-orders/retry/failed'],
      ['POST', '/admin/queues/api/queues/projection-orders/add'],
      ['DELETE', '/admin/queues/api/queues/projection-orders/obliterate'],
    ] as const) {
      const res = await stack.queries.request(method, path, { headers: ops, body: {} });
      expect([method, path, res.status]).toEqual([method, path, 403]);
    }
    const board = await stack.queries.request<Board>('GET', '/admin/queues/api/queues?activeQueue=&page=1', {
      headers: ops,
    });
    expect(board.body.queues.some((q) => q.isPaused)).toBe(false);
  });

  it('is for ops and admins only', async () => {
    for (const path of ['/admin/queues', '/admin/queues/api/queues']) {
      expect((await stack.queries.request('GET', path)).status).toBe(401);
      for (const role of ['analyst', 'customer'] as const) {
        const res = await stack.queries.request('GET', path, { headers: await bearer(stack.config, role) });
        expect([role, path, res.status]).toEqual([role, path, 403]);
        expect(res.headers.get('content-type')).toContain('application/problem+json');
      }
    }
  });
});
