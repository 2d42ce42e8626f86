'use client';

import { useCallback } from 'react';
import { useStaff } from './staff';
import { type Problem, problemOf } from './use-staff-json';

export type Sent = { ok: true; position: string | null; body: unknown } | { ok: false; problem: Problem };

/** A refusal in words a person reads: the API's detail, and which fields it named. */
export function explain(problem: Problem & { errors?: { path: string; message: string }[] }): string {
  const fields = problem.errors?.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message)).join('; ');
  const said = problem.detail ?? problem.title ?? 'The request was refused.';
  return fields ? `${said} (${fields})` : said;
}

/**
 * Sends one change to the command API as the signed-in staff member with an Idempotency-Key
 * chosen by the caller once per intent: sent again (a lost answer, a second click), the API
 * answers what it answered the first time and does nothing twice.
 */
export function useCommand() {
  const { call } = useStaff();
  return useCallback(
    async (method: 'POST' | 'PATCH' | 'PUT' | 'DELETE', path: string, body: unknown, key: string): Promise<Sent> => {
      try {
        const res = await call(`/commands${path}`, {
          method,
          headers: { 'content-type': 'application/json', 'idempotency-key': key },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        if (!res.ok) return { ok: false, problem: await problemOf(res) };
        const answer = (await res.json().catch(() => ({}))) as { position?: string };
        return { ok: true, position: answer.position ?? null, body: answer };
      } catch {
        return { ok: false, problem: { title: 'The network is down: nothing was sent. Try again.' } };
      }
    },
    [call],
  );
}
