import { randomUUID } from 'node:crypto';
import { MAX_SAVED_ADDRESSES } from '@flowdose/domain/customer/events';
import { signAccessToken } from '@flowdose/shared/auth/tokens';
import { testConfig } from '@flowdose/shared/config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCommandApi } from '../harness.test-support.ts';

const config = testConfig({ COMMANDS_PER_MINUTE: '100000' });
let started: Awaited<ReturnType<typeof startCommandApi>>;
beforeAll(async () => {
  started = await startCommandApi(config);
});
afterAll(() => started.close());

const home = { name: 'Ada Lovelace', line1: '12 St James Sq', city: 'London', postalCode: 'SW1Y 4JH', country: 'GB' };

async function signUp(who: string) {
  const res = await started.api.request<{ customerId: string; accessToken: string }>('POST', '/auth/register', {
    body: { email: `${who}-${randomUUID()}@example.com`, password: 'correct horse battery' },
  });
  expect(res.status, res.text).toBe(201);
  return { customerId: res.body.customerId, headers: { Authorization: `Bearer ${res.body.accessToken}` } };
}

const eventsOf = async (customerId: string) =>
  (
    await started.db.pool.query<{ type: string; data: Record<string, unknown> }>(
      'select type, data from events where stream_id = $1 order by stream_position',
      [`customer-${customerId}`],
    )
  ).rows;

type Saved = { addressId: string; position: string; type?: string; errors?: { path: string }[] };
const save = (headers: Record<string, string>, body: unknown, key?: string) =>
  started.api.request<Saved>('POST', '/me/addresses', {
    body,
    headers: { ...headers, ...(key ? { 'Idempotency-Key': key } : {}) },
  });

describe('the address book commands', () => {
  it('saves, changes and removes an address on the customer stream, each answering its position', async () => {
    const ada = await signUp('ada');
    const saved = await save(ada.headers, home);
    expect(saved.status, saved.text).toBe(201);
    expect(saved.body.position).toMatch(/^\d+\.\d+$/);
    const { addressId } = saved.body;

    const changed = await started.api.request<Saved>('PATCH', `/me/addresses/${addressId}`, {
      body: { city: 'Bath', line2: 'Flat 2' },
      headers: ada.headers,
    });
    expect(changed.status, changed.text).toBe(200);
    const removed = await started.api.request<Saved>('DELETE', `/me/addresses/${addressId}`, { headers: ada.headers });
    expect(removed.status, removed.text).toBe(200);
    expect(removed.body.position).not.toBe(changed.body.position);

    expect(await eventsOf(ada.customerId)).toEqual([
      expect.objectContaining({ type: 'CustomerRegistered' }),
      { type: 'CustomerAddressSaved', data: { customerId: ada.customerId, addressId, address: home } },
      {
        type: 'CustomerAddressChanged',
        data: { customerId: ada.customerId, addressId, address: { ...home, city: 'Bath', line2: 'Flat 2' } },
      },
      { type: 'CustomerAddressRemoved', data: { customerId: ada.customerId, addressId } },
    ]);
  });

  it('answers a retry with the same Idempotency-Key as the first time, saving once', async () => {
    const ada = await signUp('ada-retry');
    const key = randomUUID();
    const first = await save(ada.headers, home, key);
    const again = await save(ada.headers, home, key);
    expect([first.status, again.status]).toEqual([201, 201]);
    expect(again.body).toEqual(first.body);
    expect((await eventsOf(ada.customerId)).filter((e) => e.type === 'CustomerAddressSaved')).toHaveLength(1);
  });

  it("finds no other customer's address, and changes nothing of it", async () => {
    const ada = await signUp('ada-own');
    const bob = await signUp('bob');
    const { addressId } = (await save(ada.headers, home)).body;
    const before = await eventsOf(ada.customerId);
    const changed = await started.api.request('PATCH', `/me/addresses/${addressId}`, {
      body: { city: 'Bath' },
      headers: bob.headers,
    });
    const removed = await started.api.request('DELETE', `/me/addresses/${addressId}`, { headers: bob.headers });
    const unknown = await started.api.request('DELETE', '/me/addresses/not-an-id', { headers: ada.headers });
    expect([changed.status, removed.status, unknown.status]).toEqual([404, 404, 404]);
    expect(await eventsOf(ada.customerId)).toEqual(before);
    expect(await eventsOf(bob.customerId)).toHaveLength(1);
  });

  it(`keeps at most ${MAX_SAVED_ADDRESSES} addresses, refusing another with a problem`, async () => {
    const ada = await signUp('ada-full');
    for (let n = 0; n < MAX_SAVED_ADDRESSES; n++) {
      expect((await save(ada.headers, { ...home, line1: `${n} Lane` })).status).toBe(201);
    }
    const refused = await save(ada.headers, home);
    expect(refused.status).toBe(409);
    expect(refused.body.type).toMatch(/\/problems\/too-many-addresses$/);
    expect(await eventsOf(ada.customerId)).toHaveLength(1 + MAX_SAVED_ADDRESSES);
  });

  it('refuses bad input with field errors, appending nothing', async () => {
    const ada = await signUp('ada-bad');
    const { addressId } = (await save(ada.headers, home)).body;
    const before = await eventsOf(ada.customerId);
    const refusals = [
      await save(ada.headers, { ...home, country: 'germany' }),
      await save(ada.headers, { ...home, name: '   ' }),
      await save(ada.headers, { ...home, extra: 1 }),
      await save(ada.headers, { line1: '1 Lane' }),
      await started.api.request<Saved>('PATCH', `/me/addresses/${addressId}`, { body: {}, headers: ada.headers }),
      await started.api.request<Saved>('PATCH', `/me/addresses/${addressId}`, {
        body: { postalCode: 'x'.repeat(21) },
        headers: ada.headers,
      }),
    ];
    for (const refused of refusals) {
      expect(refused.status, refused.text).toBe(400);
      expect(refused.body.errors?.length).toBeGreaterThan(0);
    }
    expect(refusals[0]!.body.errors?.map((e) => e.path)).toContain('country');
    expect(await eventsOf(ada.customerId)).toEqual(before);
  });

  it('is for customers only', async () => {
    const anonymous = await save({}, home);
    const staff = await save(
      {
        Authorization: `Bearer ${await signAccessToken(config.AUTH_JWT_SECRET, { userId: randomUUID(), role: 'admin', sessionId: randomUUID() }, 600)}`,
      },
      home,
    );
    expect([anonymous.status, staff.status]).toEqual([401, 403]);
  });
});
