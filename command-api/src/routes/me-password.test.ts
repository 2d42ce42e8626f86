import { testConfig } from '@flowdose/shared/config';
import { bearerFor } from '@flowdose/testing/auth';
import { countEvents, type TestDatabase } from '@flowdose/testing/db';
import type { TestServer } from '@flowdose/testing/http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCommandApi } from '../harness.test-support.ts';

type Session = { customerId: string; accessToken: string; refreshToken: string };
type Problem = { status: number; errors?: { path: string }[] };

let db: TestDatabase;
let api: TestServer;
let close: () => Promise<void>;
const config = testConfig();

beforeAll(async () => {
  ({ db, api, close } = await startCommandApi(config));
});
afterAll(() => close());

let n = 0;
const email = () => `changer${++n}-${Date.now()}@example.com`;
const OLD = 'correct horse battery';
const NEW = 'a brand new passphrase';
const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
const register = async (address: string) => {
  const res = await api.request<Session>('POST', '/auth/register', { body: { email: address, password: OLD } });
  expect(res.status, res.text).toBe(201);
  return res.body;
};
const login = (address: string, password: string) =>
  api.request<Session>('POST', '/auth/login', { body: { email: address, password } });
const change = (token: string, body: object) =>
  api.request<Problem & { otherSessionsRevoked: number }>('POST', '/me/password', {
    headers: bearer(token),
    body,
  });
const refresh = (refreshToken: string) => api.request<Session>('POST', '/auth/refresh', { body: { refreshToken } });

describe('POST /me/password', () => {
  it('changes the password: the new one signs in, the old one does not, other sessions end, this one stays', async () => {
    const address = email();
    const first = await register(address);
    const other = (await login(address, OLD)).body;
    const eventsBefore = await countEvents(db.pool);

    const res = await change(first.accessToken, { currentPassword: OLD, newPassword: NEW });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({ otherSessionsRevoked: 1 });
    // Credentials are not history: nothing is appended.
    expect(await countEvents(db.pool)).toBe(eventsBefore);

    expect((await login(address, OLD)).status).toBe(401);
    expect((await login(address, NEW)).status).toBe(200);

    // The other session: its refresh token and its access token are refused.
    expect((await refresh(other.refreshToken)).status).toBe(401);
    expect(
      (await api.request('POST', '/carts', { headers: bearer(other.accessToken), body: { currency: 'EUR' } })).status,
    ).toBe(401);

    // The caller's own session goes on: its access token works and its refresh token rotates.
    expect(
      (await api.request('POST', '/carts', { headers: bearer(first.accessToken), body: { currency: 'EUR' } })).status,
    ).toBe(201);
    expect((await refresh(first.refreshToken)).status).toBe(200);
  });

  it('refuses a wrong current password with a 400 on currentPassword, changing nothing', async () => {
    const address = email();
    const session = await register(address);
    const other = (await login(address, OLD)).body;
    const eventsBefore = await countEvents(db.pool);

    const res = await change(session.accessToken, { currentPassword: 'not my password', newPassword: NEW });
    expect(res.status).toBe(400);
    expect(res.body.errors?.map((e) => e.path)).toEqual(['currentPassword']);

    expect(await countEvents(db.pool)).toBe(eventsBefore);
    expect((await login(address, NEW)).status).toBe(401);
    expect((await login(address, OLD)).status).toBe(200);
    expect((await refresh(other.refreshToken)).status).toBe(200);
  });

  it('holds the new password to the registration rules', async () => {
    const session = await register(email());
    for (const newPassword of ['short', 'aaaaaaaaaaaaaaaa', 'x'.repeat(129)]) {
      const res = await change(session.accessToken, { currentPassword: OLD, newPassword });
      expect(res.status, newPassword).toBe(400);
      expect(new Set(res.body.errors?.map((e) => e.path))).toEqual(new Set(['newPassword']));
    }
    expect((await change(session.accessToken, { currentPassword: OLD })).status).toBe(400);
  });

  it('counts wrong current passwords with failed logins, then refuses with 429', async () => {
    const address = email();
    const session = await register(address);
    for (let i = 0; i < config.LOGIN_ATTEMPTS_PER_ACCOUNT; i++)
      expect((await change(session.accessToken, { currentPassword: `wrong ${i}`, newPassword: NEW })).status).toBe(400);
    const refused = await change(session.accessToken, { currentPassword: OLD, newPassword: NEW });
    expect(refused.status).toBe(429);
    // The same account at the login form is held back too.
    expect((await login(address, OLD)).status).toBe(429);
  });

  it('is for customers only: a guest is 401, staff 403', async () => {
    const body = { currentPassword: OLD, newPassword: NEW };
    expect((await api.request('POST', '/me/password', { body })).status).toBe(401);
    for (const role of ['admin', 'ops', 'analyst'] as const)
      expect(
        (await api.request('POST', '/me/password', { headers: await bearerFor(config.AUTH_JWT_SECRET, role), body }))
          .status,
      ).toBe(403);
  });
});
