import { argon2idHasher } from '@flowdose/shared/auth/passwords';
import { signAccessToken } from '@flowdose/shared/auth/tokens';
import { testConfig } from '@flowdose/shared/config';
import { createPostgresEventStore } from '@flowdose/shared/event-store/postgres/store';
import { createLogger } from '@flowdose/shared/logger';
import type { Redis } from '@flowdose/shared/redis';
import { countEvents, type TestDatabase } from '@flowdose/testing/db';
import { serve, type TestServer } from '@flowdose/testing/http';
import { freePort, spawnTs } from '@flowdose/testing/process';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.ts';
import { commandDeps } from '../deps.ts';
import { startCommandApi, untilServing } from '../harness.test-support.ts';

type Tokens = { customerId: string; accessToken: string; refreshToken: string; position?: string };
type Problem = { type: string; status: number };

let db: TestDatabase;
let api: TestServer;
let redis: Redis;
let close: () => Promise<void>;
const config = testConfig();

beforeAll(async () => {
  ({ db, redis, api, close } = await startCommandApi(config));
});
afterAll(() => close());

let n = 0;
const email = () => `shopper${++n}-${Date.now()}@example.com`;
const password = 'correct horse battery';
const register = (address = email(), pass = password) =>
  api.request<Tokens>('POST', '/auth/register', { body: { email: address, password: pass } });
const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
const openCart = (headers: Record<string, string> = {}) =>
  api.request('POST', '/carts', { body: { currency: 'EUR' }, headers });

describe('customer accounts', () => {
  it('registers with a CustomerRegistered event, and signs in with the same password', async () => {
    const address = email();
    const res = await register(address);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      customerId: expect.any(String),
      accessToken: expect.any(String),
      refreshToken: expect.any(String),
    });
    const { rows } = await db.pool.query('select type, data, metadata from events where stream_id = $1', [
      `customer-${res.body.customerId}`,
    ]);
    expect(rows).toEqual([
      {
        type: 'CustomerRegistered',
        data: { customerId: res.body.customerId, email: address },
        metadata: expect.objectContaining({ actor: { userId: res.body.customerId, role: 'customer' } }),
      },
    ]);
    // No password, not even its hash, is ever part of an event.
    expect(JSON.stringify(rows)).not.toContain('argon2');

    const login = await api.request<Tokens>('POST', '/auth/login', {
      body: { email: address.toUpperCase(), password },
    });
    expect(login.status).toBe(200);
    expect(login.body.customerId).toBe(res.body.customerId);
  });

  it('refuses a taken email, weak passwords and malformed emails, appending nothing', async () => {
    const address = email();
    await register(address);
    const before = await countEvents(db.pool);
    const taken = await register(address);
    expect(taken.status).toBe(409);
    expect((taken.body as unknown as Problem).type).toBe('/problems/email-taken');
    for (const [mail, pass] of [
      [email(), 'short'],
      [email(), 'aaaaaaaaaaaaaaa'],
      [email(), 'x'.repeat(129)],
      ['not-an-email', password],
    ] as const) {
      expect((await register(mail, pass)).status).toBe(400);
    }
    expect(await countEvents(db.pool)).toBe(before);
  });

  it('answers a wrong password or an unknown email with the same 401', async () => {
    const address = email();
    await register(address);
    const wrong = await api.request<Problem>('POST', '/auth/login', {
      body: { email: address, password: 'not the password' },
    });
    const unknown = await api.request<Problem>('POST', '/auth/login', { body: { email: email(), password } });
    expect([wrong.status, unknown.status]).toEqual([401, 401]);
    const { requestId: _a, ...wrongProblem } = wrong.body as Problem & { requestId: string };
    const { requestId: _b, ...unknownProblem } = unknown.body as Problem & { requestId: string };
    expect(wrongProblem).toEqual(unknownProblem);
  });

  it('rotates refresh tokens, and a reused one revokes the whole session', async () => {
    const first = (await register()).body;
    const second = await api.request<Tokens>('POST', '/auth/refresh', { body: { refreshToken: first.refreshToken } });
    expect(second.status).toBe(200);
    expect(second.body.refreshToken).not.toBe(first.refreshToken);
    expect((await openCart(bearer(second.body.accessToken))).status).toBe(201);

    // The old token again: someone copied it. Every token of the session stops working.
    const reuse = await api.request('POST', '/auth/refresh', { body: { refreshToken: first.refreshToken } });
    expect(reuse.status).toBe(401);
    expect(
      (await api.request('POST', '/auth/refresh', { body: { refreshToken: second.body.refreshToken } })).status,
    ).toBe(401);
    expect((await openCart(bearer(second.body.accessToken))).status).toBe(401);
    expect((await openCart(bearer(first.accessToken))).status).toBe(401);
  });

  it('logs out: the access and refresh tokens of the session stop working', async () => {
    const tokens = (await register()).body;
    expect((await api.request('POST', '/auth/logout', { headers: bearer(tokens.accessToken) })).status).toBe(204);
    expect((await openCart(bearer(tokens.accessToken))).status).toBe(401);
    expect((await api.request('POST', '/auth/refresh', { body: { refreshToken: tokens.refreshToken } })).status).toBe(
      401,
    );
    expect((await api.request('POST', '/auth/logout')).status).toBe(401);
  });

  it('records the signed-in customer as the actor of what they do', async () => {
    const tokens = (await register()).body;
    const cart = await api.request<{ cartId: string }>('POST', '/carts', {
      body: { currency: 'EUR' },
      headers: bearer(tokens.accessToken),
    });
    const { rows } = await db.pool.query('select metadata from events where stream_id = $1', [
      `cart-${cart.body.cartId}`,
    ]);
    expect(rows[0].metadata.actor).toEqual({ userId: tokens.customerId, role: 'customer' });
  });
});

describe('access tokens', () => {
  const claims = { role: 'customer', sid: '0190b8a0-0000-7000-8000-000000000001' };
  const forge = (secret: string, { expired = false, alg = 'HS256' } = {}) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg })
      .setSubject('0190b8a0-0000-7000-8000-000000000002')
      .setIssuer('flowdose')
      .setAudience('flowdose-api')
      .setIssuedAt()
      .setExpirationTime(expired ? Math.floor(Date.now() / 1000) - 60 : '5m')
      .sign(new TextEncoder().encode(secret));

  it('refuses forged, expired, wrongly signed, unsigned and malformed tokens with 401', async () => {
    const unsigned = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify({ ...claims, sub: 'x', iss: 'flowdose', aud: 'flowdose-api' })).toString('base64url')}.`;
    const bad = [
      await forge('another-secret-another-secret-another-0000'),
      await forge(config.AUTH_JWT_SECRET, { expired: true }),
      await forge(config.AUTH_JWT_SECRET, { alg: 'HS512' }),
      unsigned,
      'garbage',
    ];
    const before = await countEvents(db.pool);
    for (const token of bad) {
      const res = await openCart(bearer(token));
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
    expect((await openCart({ Authorization: 'Basic dXNlcjpwYXNz' })).status).toBe(401);
    expect(await countEvents(db.pool)).toBe(before);
    // Sanity: a token we sign ourselves passes.
    const good = await signAccessToken(
      config.AUTH_JWT_SECRET,
      { userId: '0190b8a0-0000-7000-8000-000000000002', role: 'customer', sessionId: claims.sid },
      60,
    );
    expect((await openCart(bearer(good))).status).toBe(201);
  });
});

describe('staff', () => {
  it('signs staff in with their role; a customer password does not open the staff door', async () => {
    const { createStaffUser } = await import('@flowdose/shared/auth/staff');
    const address = email();
    await createStaffUser(db.pool, argon2idHasher(config.PASSWORD_HASH_MEMORY_KIB), {
      email: address,
      password,
      role: 'ops',
    });
    const staff = await api.request<{ accessToken: string }>('POST', '/admin/auth/login', {
      body: { email: address, password },
    });
    expect(staff.status).toBe(200);
    const payload = JSON.parse(Buffer.from(staff.body.accessToken.split('.')[1]!, 'base64url').toString());
    expect(payload.role).toBe('ops');
    const customer = email();
    await register(customer);
    expect((await api.request('POST', '/admin/auth/login', { body: { email: customer, password } })).status).toBe(401);
  });

  it('ends a staff session left idle for STAFF_IDLE_MINUTES: its refresh token lives that long, a shopper’s for days', async () => {
    const { createStaffUser } = await import('@flowdose/shared/auth/staff');
    const address = email();
    await createStaffUser(db.pool, argon2idHasher(config.PASSWORD_HASH_MEMORY_KIB), {
      email: address,
      password,
      role: 'admin',
    });
    const staff = await api.request<{ refreshToken: string }>('POST', '/admin/auth/login', {
      body: { email: address, password },
    });
    const shopper = (await register()).body;
    const lifetime = async (refreshToken: string) => {
      const { rows } = await db.pool.query<{ seconds: number }>(
        `select extract(epoch from expires_at - now())::float8 as seconds from refresh_tokens
         where token_hash = encode(sha256($1::bytea), 'hex')`,
        [refreshToken],
      );
      return rows[0]!.seconds;
    };
    const idle = config.STAFF_IDLE_MINUTES * 60;
    expect(await lifetime(staff.body.refreshToken)).toBeGreaterThan(idle - 60);
    expect(await lifetime(staff.body.refreshToken)).toBeLessThanOrEqual(idle);
    // Each refresh gives it the idle time again, no more.
    const refreshed = await api.request<{ refreshToken: string }>('POST', '/auth/refresh', {
      body: { refreshToken: staff.body.refreshToken },
    });
    expect(await lifetime(refreshed.body.refreshToken)).toBeLessThanOrEqual(idle);
    expect(await lifetime(shopper.refreshToken)).toBeGreaterThan(config.REFRESH_TOKEN_TTL_DAYS * 86_400 - 60);
    // Past its idle time (the clock moved on), the session cannot be refreshed.
    await db.pool.query(
      `update refresh_tokens set expires_at = now() - interval '1 second' where token_hash = encode(sha256($1::bytea), 'hex')`,
      [refreshed.body.refreshToken],
    );
    expect(
      (await api.request('POST', '/auth/refresh', { body: { refreshToken: refreshed.body.refreshToken } })).status,
    ).toBe(401);
  });
});

describe('login brute force', () => {
  it('is slowed, then refused with 429 and Retry-After, across two API processes sharing Redis', async () => {
    const address = email();
    const warm = email();
    await register(address);
    await register(warm);
    const ports = [await freePort(), await freePort()];
    const env = { DATABASE_URL: db.url, QUEUE_PREFIX: config.QUEUE_PREFIX, PASSWORD_HASH_MEMORY_KIB: '4096' };
    const apis = ports.map((port) =>
      spawnTs('command-api/src/main.ts', [], { ...env, COMMAND_API_PORT: String(port) }),
    );
    try {
      await Promise.all(ports.map((p) => untilServing(`http://127.0.0.1:${p}`)));
      const attempt = async (port: number, pass: string, who = address) => {
        const started = Date.now();
        const res = await fetch(`http://127.0.0.1:${port}/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: who, password: pass }),
        });
        return { status: res.status, retryAfter: res.headers.get('retry-after'), ms: Date.now() - started };
      };
      // A fresh process answers its first login slowly (modules, connections, the hasher): a
      // second on a loaded machine, which the first failure's time would otherwise carry and
      // the growth below would not show. A login that succeeds warms it and counts nothing.
      for (const port of ports) expect((await attempt(port, password, warm)).status).toBe(200);
      const failures = [];
      for (let i = 0; i < config.LOGIN_ATTEMPTS_PER_ACCOUNT; i++)
        failures.push(await attempt(ports[i % 2]!, `wrong password ${i}`));
      expect(failures.map((f) => f.status)).toEqual(failures.map(() => 401));
      // Each failure waits longer than the one before.
      expect(failures[failures.length - 1]!.ms).toBeGreaterThan(failures[0]!.ms + 500);
      for (const port of ports) {
        const refused = await attempt(port, password); // even the right password, for now
        expect(refused.status).toBe(429);
        expect(Number(refused.retryAfter)).toBeGreaterThan(0);
      }
    } finally {
      for (const { child } of apis) child.kill('SIGTERM');
      await Promise.all(apis.map((a) => a.exited));
    }
  });
});

describe('command rate limit', () => {
  it('refuses a client past its commands per minute with 429 and Retry-After, appending nothing', async () => {
    const tight = testConfig({ COMMANDS_PER_MINUTE: '3' });
    const store = createPostgresEventStore({ pool: db.pool, connectionString: db.url });
    const limited = await serve(
      buildApp(
        commandDeps({
          config: tight,
          logger: createLogger('test', 'silent'),
          pool: db.pool,
          store,
          redis,
          queueRedis: redis,
        }),
      ),
    );
    try {
      const statuses = [];
      for (let i = 0; i < 3; i++)
        statuses.push((await limited.request('POST', '/carts', { body: { currency: 'EUR' } })).status);
      expect(statuses).toEqual([201, 201, 201]);
      const before = await countEvents(db.pool);
      const refused = await limited.request<Problem>('POST', '/carts', { body: { currency: 'EUR' } });
      expect(refused.status).toBe(429);
      expect(refused.body.type).toBe('/problems/too-many-requests');
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await countEvents(db.pool)).toBe(before);
      // Reads are not commands.
      expect((await limited.request('GET', '/health')).status).toBe(200);
    } finally {
      await limited.close();
      await store.close();
    }
  });
});
