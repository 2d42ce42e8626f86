import { randomUUID } from 'node:crypto';
import { signAccessToken } from '@flowdose/shared/auth/tokens';
import { testConfig } from '@flowdose/shared/config';
import { publishTestCatalog } from '@flowdose/shared/testing/catalog';
import type { TestDatabase } from '@flowdose/shared/testing/db';
import type { TestServer } from '@flowdose/shared/testing/http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCommandApi } from '../test-support.ts';

let db: TestDatabase;
let api: TestServer;
let close: () => Promise<void>;
// A high command limit: the fuzz is not about rate limiting.
const config = testConfig({
  COMMANDS_PER_MINUTE: '100000',
  LOGIN_ATTEMPTS_PER_IP: '100000',
  LOGIN_ATTEMPTS_PER_ACCOUNT: '100000',
});
let cart: { cartId: string; cartToken: string; lineId: string; accessToken: string };
let adminToken: string;

beforeAll(async () => {
  ({ db, api, close } = await startCommandApi(config));
  await publishTestCatalog(api, config.AUTH_JWT_SECRET, { stock: 1000 });
  const opened = await api.request<{ cartId: string; cartToken: string }>('POST', '/carts', {
    body: { currency: 'EUR' },
  });
  const line = await api.request<{ lineId: string }>('POST', `/carts/${opened.body.cartId}/items`, {
    body: { sku: 'MUG-WHITE', quantity: 1 },
    headers: { 'X-Cart-Token': opened.body.cartToken },
  });
  const account = await api.request<{ accessToken: string }>('POST', '/auth/register', {
    body: { email: 'fuzz@example.com', password: 'correct horse battery' },
  });
  cart = { ...opened.body, lineId: line.body.lineId, accessToken: account.body.accessToken };
  adminToken = await signAccessToken(
    config.AUTH_JWT_SECRET,
    { userId: randomUUID(), role: 'admin', sessionId: randomUUID() },
    3600,
  );
});
afterAll(() => close());

/** Everything a request could change: the log, and the tables that are not projections. */
const footprint = async () =>
  (
    await db.pool.query(`select
      (select count(*) from events) as events,
      (select count(*) from customer_credentials) as customers,
      (select count(*) from staff_users) as staff,
      (select count(*) from auth_sessions) as sessions,
      (select count(*) from refresh_tokens where used_at is null) as live_refresh_tokens,
      (select count(*) from catalog_claims) as catalog_claims`)
  ).rows[0];

const hostileKey = fc.constantFrom(
  '__proto__',
  'constructor',
  'prototype',
  '$where',
  "'; drop table events; --",
  '<script>alert(1)</script>',
  '../../etc/passwd',
  '\u0000',
  'x'.repeat(300),
);
const hostileValue = fc.oneof(
  fc.constantFrom(
    "' or 1=1 --",
    '"); drop table events; --',
    '<img src=x onerror=alert(1)>',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a template-injection probe, on purpose
    '${process.exit(1)}',
    { $gt: '' },
    { __proto__: { polluted: true } },
    Number.MAX_SAFE_INTEGER + 2,
    -0,
    Number.NaN,
    'EUR'.repeat(1000),
  ),
  fc.anything(),
  fc.string({ maxLength: 3000 }),
);
// Objects that always carry a key no route accepts, alongside plausible fields.
const hostileObject = fc
  .tuple(
    fc.dictionary(fc.constantFrom('currency', 'sku', 'quantity', 'email', 'password', 'refreshToken'), hostileValue, {
      maxKeys: 4,
    }),
    hostileKey,
    hostileValue,
  )
  .map(([fields, key, value]) => {
    const body: Record<string, unknown> = { ...fields };
    Object.defineProperty(body, key, { value, enumerable: true, configurable: true, writable: true });
    return body;
  });
const notAnObject = fc.oneof(
  fc.string(),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.anything(), { maxLength: 5 }),
);
const deep = fc.integer({ min: 50, max: 5000 }).map((depth) => `${'['.repeat(depth)}${']'.repeat(depth)}`);
const body = fc.oneof(
  hostileObject.map((b) => ({ raw: JSON.stringify(b) })),
  notAnObject.map((b) => ({ raw: JSON.stringify(b) ?? 'null' })),
  deep.map((raw) => ({ raw })),
  fc.string({ maxLength: 200 }).map((raw) => ({ raw: `{${raw}` })),
);

const routes = () =>
  [
    ['POST', '/carts', {}],
    ['POST', `/carts/${cart.cartId}/items`, { 'X-Cart-Token': cart.cartToken }],
    ['PATCH', `/carts/${cart.cartId}/items/${cart.lineId}`, { 'X-Cart-Token': cart.cartToken }],
    ['POST', '/auth/register', {}],
    ['POST', '/auth/login', {}],
    ['POST', '/admin/auth/login', {}],
    ['POST', '/auth/refresh', {}],
    ['POST', '/carts', { Authorization: `Bearer ${cart.accessToken}` }],
    ['POST', `/carts/${cart.cartId}/checkout`, { 'X-Cart-Token': cart.cartToken }],
    ['POST', '/admin/products', { Authorization: `Bearer ${adminToken}` }],
    ['POST', '/admin/discounts', { Authorization: `Bearer ${adminToken}` }],
    ['POST', '/admin/inventory/MUG-WHITE/adjust', { Authorization: `Bearer ${adminToken}` }],
    ['POST', `/admin/orders/${randomUUID()}/refund`, { Authorization: `Bearer ${adminToken}` }],
    ['POST', '/webhooks/payments', {}],
  ] as const;

describe('hostile input on every mutating route', () => {
  it('never answers 5xx, always a problem, and changes nothing', async () => {
    const before = await footprint();
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: routes().length - 1 }), body, async (index, { raw }) => {
        const [method, path, headers] = routes()[index]!;
        const res = await api.request<{ status: number; type: string }>(method, path, { raw, headers: { ...headers } });
        expect(res.status, `${method} ${path} ${raw.slice(0, 200)}`).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
        expect(res.headers.get('content-type')).toContain('application/problem+json');
      }),
      { numRuns: 400 },
    );
    // A hostile key never reached a prototype.
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(await footprint()).toEqual(before);
  });

  it('refuses hostile path parameters and headers the same way', async () => {
    const before = await footprint();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.string({ maxLength: 100 }), hostileKey),
        fc.oneof(fc.string({ maxLength: 300 }), hostileKey),
        async (id, header) => {
          const safeId = encodeURIComponent(id) || 'x';
          const headers: Record<string, string> = {};
          // Header values must be printable ASCII to be sent at all.
          const printable = header.replace(/[^\x20-\x7e]/g, '');
          if (printable) Object.assign(headers, { 'X-Cart-Token': printable, 'Idempotency-Key': printable });
          for (const [method, path] of [
            ['POST', `/carts/${safeId}/items`],
            ['PATCH', `/carts/${cart.cartId}/items/${safeId}`],
            ['DELETE', `/carts/${safeId}/items/${safeId}`],
          ] as const) {
            const res = await api.request(method, path, { body: { sku: 'MUG-WHITE', quantity: 1 }, headers });
            expect(res.status).toBeGreaterThanOrEqual(400);
            expect(res.status).toBeLessThan(500);
          }
        },
      ),
      { numRuns: 150 },
    );
    expect(await footprint()).toEqual(before);
  });
});
