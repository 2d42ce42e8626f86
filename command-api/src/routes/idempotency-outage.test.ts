import { testConfig } from '@flowdose/shared/config';
import { createPool } from '@flowdose/shared/db';
import { ValidationError } from '@flowdose/shared/errors';
import { attachContext } from '@flowdose/shared/http/context';
import { idempotent } from '@flowdose/shared/http/idempotency';
import { jsonBodyOptions } from '@flowdose/shared/http/json-body';
import { notFoundRoute, problemHandler } from '@flowdose/shared/http/problem';
import { requestLog } from '@flowdose/shared/http/request-log';
import { createLogger } from '@flowdose/shared/logger';
import { publishTestCatalog } from '@flowdose/testing/catalog';
import { countEvents } from '@flowdose/testing/db';
import { serve, type TestResponse } from '@flowdose/testing/http';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCommandApi } from '../harness.test-support.ts';

let shop: Awaited<ReturnType<typeof startCommandApi>>;
let cart: { cartId: string; cartToken: string; lineId: string };

beforeAll(async () => {
  shop = await startCommandApi(testConfig());
  await publishTestCatalog(shop.api, shop.config.AUTH_JWT_SECRET, { stock: 100 });
  const opened = await shop.api.request<{ cartId: string; cartToken: string }>('POST', '/carts', {
    body: { currency: 'EUR' },
  });
  const line = await shop.api.request<{ lineId: string }>('POST', `/carts/${opened.body.cartId}/items`, {
    body: { sku: 'MUG-WHITE', quantity: 1 },
    headers: { 'X-Cart-Token': opened.body.cartToken },
  });
  cart = { ...opened.body, lineId: line.body.lineId };
});
afterAll(() => shop.close());

/** An error answer as the contract has it, with nothing of the server's insides in it. */
function expectProblem(res: TestResponse<unknown>, status: number, type: string) {
  expect(res.status, res.text).toBe(status);
  expect(res.headers.get('content-type')).toContain('application/problem+json');
  expect(res.body).toMatchObject({ type, status });
  for (const leak of ['at /', 'node_modules', '<html', '.ts:', 'Error:']) expect(res.text).not.toContain(leak);
}

const keyRow = async (key: string) =>
  (await shop.db.pool.query<{ state: string }>('select state from idempotency_keys where key = $1', [key])).rows[0];

/** The save of a key's answer fails with `failure` (PL/pgSQL) while every other query works. */
async function failSaves(failure: string) {
  await shop.db.pool.query(`create or replace function fail_idempotency_save() returns trigger language plpgsql as $$
    begin ${failure}; return new; end $$`);
  await shop.db.pool.query(`create or replace trigger fail_idempotency_save before update on idempotency_keys
    for each row when (new.state = 'done') execute function fail_idempotency_save()`);
}
const healSaves = () => shop.db.pool.query('drop trigger if exists fail_idempotency_save on idempotency_keys');

describe('an answer that cannot be stored under its Idempotency-Key', () => {
  const change = (key: string, quantity: number) =>
    shop.api.request<{ position: string }>('PATCH', `/carts/${cart.cartId}/items/${cart.lineId}`, {
      body: { quantity },
      headers: { 'X-Cart-Token': cart.cartToken, 'Idempotency-Key': key },
    });

  it('is a 503 problem when the connection dies, and a retry runs again once it is back', async () => {
    // The backend saving the answer is killed, as a database restart would.
    await failSaves('perform pg_terminate_backend(pg_backend_pid()); perform pg_sleep(5)');
    const before = await countEvents(shop.db.pool);
    const lost = await change('lost-save', 2);
    await healSaves();
    expectProblem(lost, 503, '/problems/service-unavailable');
    expect(lost.headers.get('retry-after')).toBe('2');
    // The change was appended; the key is let go rather than left pending.
    expect(await countEvents(shop.db.pool)).toBe(before + 1);
    expect(await keyRow('lost-save')).toBeUndefined();

    const retried = await change('lost-save', 2);
    expect(retried.status, retried.text).toBe(200);
    expect(await countEvents(shop.db.pool)).toBe(before + 1);
    expect(await keyRow('lost-save')).toEqual({ state: 'done' });
    const replayed = await change('lost-save', 2);
    expect(replayed.headers.get('idempotent-replayed')).toBe('true');
    expect(replayed.body).toEqual(retried.body);
  });

  it('is a 500 problem without the error when the save fails otherwise, and the key is let go', async () => {
    await failSaves("raise exception 'idempotency save refused at /srv/app/node_modules/x.ts:1'");
    const refused = await change('refused-save', 3);
    // Even the answer to an invalid request (the problem middleware's own) is stored, and fails.
    const invalid = await change('refused-invalid', 0);
    await healSaves();
    expectProblem(refused, 500, '/problems/internal-error');
    expectProblem(invalid, 500, '/problems/internal-error');
    expect(await keyRow('refused-save')).toBeUndefined();
    expect(await keyRow('refused-invalid')).toBeUndefined();
    expect((await change('refused-invalid', 0)).status).toBe(400);
  });
});

describe('a pool ended between claiming a key and saving its answer', () => {
  // A small app around the middleware: only a route can end the pool at that exact moment.
  async function appEndingItsPool() {
    const pool = createPool(shop.db.url);
    const app = express();
    const logger = createLogger('test', 'silent');
    app.use(requestLog(logger));
    app.use(attachContext);
    app.use(express.json(jsonBodyOptions('32kb')));
    app.post(
      '/things',
      idempotent(pool, () => 'outage-test', 30),
      async (req, res) => {
        await pool.end();
        if (req.body.invalid) throw new ValidationError([{ path: 'invalid', message: 'refused' }]);
        res.status(201).json({ made: true });
      },
    );
    app.use(notFoundRoute);
    app.use(problemHandler(logger));
    return serve(app);
  }

  it.each([
    ['a success', { invalid: false }, 'pool-gone-ok'],
    // The answer of the problem middleware itself: this one used to reach express's HTML page.
    ['a refusal', { invalid: true }, 'pool-gone-invalid'],
  ])('answers %s with a 503 problem and stores nothing as final', async (_, body, key) => {
    const api = await appEndingItsPool();
    try {
      const res = await api.request('POST', '/things', { body, headers: { 'Idempotency-Key': key } });
      expectProblem(res, 503, '/problems/service-unavailable');
      // Left pending (the pool that would delete it is gone): its lock runs out, then a retry runs.
      expect(await keyRow(key)).toEqual({ state: 'pending' });
    } finally {
      await api.close();
    }
  });
});
