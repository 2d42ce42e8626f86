import { randomUUID } from 'node:crypto';
import type { DeadLetterAnswer } from '@flowdose/contract/command-api';
import type { DeadLetterList, ProjectionStatus } from '@flowdose/contract/query-api';
import { appendPoisonCart } from '@flowdose/projections/harness.test-support';
import { argon2idHasher } from '@flowdose/shared/auth/passwords';
import { createStaffUser } from '@flowdose/shared/auth/staff';
import { signAccessToken } from '@flowdose/shared/auth/tokens';
import { positionToken } from '@flowdose/shared/event-store/position';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditItem } from '../audit/items.ts';
import { bearer, startStack } from '../harness.test-support.ts';

let stack: Awaited<ReturnType<typeof startStack>>;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());

const cartsStatus = async () => {
  const { body } = await stack.queries.request<{ projections: ProjectionStatus[] }>('GET', '/admin/projections', {
    headers: await bearer(stack.config, 'admin'),
  });
  return body.projections.find((p) => p.name === 'carts')!;
};

describe('dead letters over HTTP', () => {
  it('lists a quarantined event, skips it as a staff user with a reason, and the audit shows the skip', async () => {
    const { queries, commands, config, db } = stack;
    const { poison } = await appendPoisonCart(db);
    const position = positionToken(poison!.position);

    await expect.poll(async () => (await cartsStatus()).state, { timeout: 30_000 }).toBe('stopped');
    expect((await cartsStatus()).deadLetters).toEqual({ quarantined: 1, stoppedAt: position });

    const path = '/admin/projections/carts/dead-letters';
    expect((await queries.request('GET', path)).status).toBe(401);
    for (const role of ['customer', 'analyst'] as const)
      expect((await queries.request('GET', path, { headers: await bearer(config, role) })).status).toBe(403);
    expect(
      (await queries.request('GET', '/admin/projections/nope/dead-letters', { headers: await bearer(config, 'ops') }))
        .status,
    ).toBe(404);
    const listed = await queries.request<DeadLetterList>('GET', path, { headers: await bearer(config, 'ops') });
    expect(listed.status).toBe(200);
    expect(listed.body.items).toEqual([
      expect.objectContaining({ position, eventId: poison!.id, eventType: 'CartItemAdded', status: 'quarantined' }),
    ]);
    expect(listed.body.items[0]!.error).toContain("does not fit today's schema");

    const skip = `${path}/${position}/skip`;
    expect((await commands.request('POST', skip, { body: { reason: 'x' } })).status).toBe(401);
    expect(
      (await commands.request('POST', skip, { body: { reason: 'x' }, headers: await bearer(config, 'analyst') }))
        .status,
    ).toBe(403);
    expect((await commands.request('POST', skip, { body: {}, headers: await bearer(config, 'ops') })).status).toBe(400);
    expect(
      (
        await commands.request('POST', `${path}/1.1/skip`, {
          body: { reason: 'x' },
          headers: await bearer(config, 'ops'),
        })
      ).status,
    ).toBe(404);

    const email = `ops-${randomUUID()}@flowdose.test`;
    const userId = await createStaffUser(db.pool, argon2idHasher(config.PASSWORD_HASH_MEMORY_KIB), {
      email,
      password: 'correct horse battery',
      role: 'ops',
    });
    const token = await signAccessToken(config.AUTH_JWT_SECRET, { userId, role: 'ops', sessionId: randomUUID() }, 600);
    const skipped = await commands.request<DeadLetterAnswer>('POST', skip, {
      body: { reason: 'bad import; line re-added by hand' },
      headers: { Authorization: `Bearer ${token}`, 'X-Correlation-Id': 'skip-carts-1' },
    });
    expect(skipped.status).toBe(200);
    expect(skipped.body.deadLetter).toMatchObject({ status: 'skipped', resolvedBy: userId });
    expect(skipped.body.position).toMatch(/^\d+\.\d+$/);
    expect(skipped.body.correlationId).toBe('skip-carts-1');
    // Settled once: a second skip or a retry is refused.
    const again = await commands.request('POST', `${path}/${position}/retry`, {
      body: {},
      headers: await bearer(config, 'admin'),
    });
    expect(again.status).toBe(409);

    await expect.poll(async () => (await cartsStatus()).state, { timeout: 30_000 }).toBe('live');
    expect((await cartsStatus()).deadLetters).toEqual({ quarantined: 0, stoppedAt: null });

    // The audit: the skip on the projection's stream and in its request, with who and why.
    const audit = await queries.request<{ items: AuditItem[] }>('GET', '/admin/streams/projection-carts/events', {
      headers: await bearer(config, 'ops'),
    });
    expect(audit.status).toBe(200);
    expect(audit.body.items).toEqual([
      expect.objectContaining({
        type: 'DeadLetterSkipped',
        position: skipped.body.position,
        data: expect.objectContaining({ position, eventId: poison!.id, reason: 'bad import; line re-added by hand' }),
        actor: { kind: 'staff', id: userId, role: 'ops', email },
        correlationId: 'skip-carts-1',
      }),
    ]);
    const request = await queries.request<{ items: AuditItem[] }>('GET', '/admin/correlations/skip-carts-1', {
      headers: await bearer(config, 'admin'),
    });
    expect(request.body.items.map((i) => i.type)).toEqual(['DeadLetterSkipped']);
  });
});
