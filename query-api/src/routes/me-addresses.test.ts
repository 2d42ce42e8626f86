import { randomUUID } from 'node:crypto';
import { signAccessToken } from '@flowdose/shared/auth/tokens';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack } from '../harness.test-support.ts';

let stack: Awaited<ReturnType<typeof startStack>>;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());

const home = { name: 'Ada Lovelace', line1: '12 St James Sq', city: 'London', postalCode: 'SW1Y 4JH', country: 'GB' };
const work = {
  name: 'Ada at work',
  line1: '1 Analytical Way',
  line2: 'Floor 3',
  city: 'Leeds',
  postalCode: 'LS1 1AA',
  country: 'GB',
};

async function signUp(who: string) {
  const res = await stack.commands.request<{ accessToken: string }>('POST', '/auth/register', {
    body: { email: `${who}-${randomUUID()}@example.com`, password: 'correct horse battery' },
  });
  expect(res.status, res.text).toBe(201);
  return { Authorization: `Bearer ${res.body.accessToken}` };
}

type Book = { items: ({ addressId: string } & Record<string, string>)[] };
const bookAfter = async (headers: Record<string, string>, position: string) => {
  const res = await stack.queries.request<Book>('GET', '/me/addresses', {
    headers: { ...headers, 'X-Min-Position': position },
  });
  expect(res.status, res.text).toBe(200);
  expect(res.headers.get('cache-control')).toBe('private, no-cache');
  return res.body.items;
};

describe('GET /me/addresses', () => {
  it('lists what the customer saved, changed and removed, once the read model has passed the position', async () => {
    const ada = await signUp('ada');
    const bob = await signUp('bob');
    const first = await stack.commands.request<{ addressId: string; position: string }>('POST', '/me/addresses', {
      body: home,
      headers: ada,
    });
    const second = await stack.commands.request<{ addressId: string; position: string }>('POST', '/me/addresses', {
      body: work,
      headers: ada,
    });
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(await bookAfter(ada, second.body.position)).toEqual([
      { addressId: first.body.addressId, ...home },
      { addressId: second.body.addressId, ...work },
    ]);

    const changed = await stack.commands.request<{ position: string }>(
      'PATCH',
      `/me/addresses/${second.body.addressId}`,
      { body: { line2: '', city: 'York' }, headers: ada },
    );
    expect(changed.status, changed.text).toBe(200);
    const { line2: _dropped, ...withoutLine2 } = work;
    const afterChange = await bookAfter(ada, changed.body.position);
    expect(afterChange[1]).toEqual({ addressId: second.body.addressId, ...withoutLine2, city: 'York' });
    expect(afterChange[1]).not.toHaveProperty('line2');

    const removed = await stack.commands.request<{ position: string }>(
      'DELETE',
      `/me/addresses/${first.body.addressId}`,
      { headers: ada },
    );
    expect(removed.status, removed.text).toBe(200);
    expect((await bookAfter(ada, removed.body.position)).map((a) => a.addressId)).toEqual([second.body.addressId]);
    // Another customer's book is their own: empty.
    expect(await bookAfter(bob, removed.body.position)).toEqual([]);
  });

  it('is for customers only', async () => {
    const admin = `Bearer ${await signAccessToken(stack.config.AUTH_JWT_SECRET, { userId: randomUUID(), role: 'admin', sessionId: randomUUID() }, 600)}`;
    const anonymous = await stack.queries.request('GET', '/me/addresses');
    const staff = await stack.queries.request('GET', '/me/addresses', { headers: { Authorization: admin } });
    expect([anonymous.status, staff.status]).toEqual([401, 403]);
  });
});
