'use client';

import { useCallback, useRef, useState } from 'react';
import { useStaff } from './staff';
import { type Problem, problemOf } from './use-staff-json';

/**
 * What sending a change came to: done, refused by the API (`answered`), or unknown (the
 * network failed: the API may or may not have done it).
 */
export type Sent =
  | { ok: true; position: string | null; body: unknown }
  | { ok: false; problem: Problem; answered: boolean };

/** A change that did not go through, as a dialog shows it. */
export type Refusal = { message: string; sameKeyAgain: boolean };

/**
 * A refused change gets a new key for its next try (the corrected request is another
 * request); one whose answer never came keeps its key, so sending it again does it once.
 */
export const refusalOf = (sent: Extract<Sent, { ok: false }>): Refusal => ({
  message: explain(sent.problem),
  sameKeyAgain: !sent.answered,
});

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
        if (!res.ok) return { ok: false, problem: await problemOf(res), answered: res.status < 500 };
        const answer = (await res.json().catch(() => ({}))) as { position?: string };
        return { ok: true, position: answer.position ?? null, body: answer };
      } catch {
        return {
          ok: false,
          problem: {
            title: 'The network failed: the change may or may not have been made. Send it again: it is done once.',
          },
          answered: false,
        };
      }
    },
    [call],
  );
}

/**
 * Changes sent one at a time from a page of buttons: a click while one is on the way does
 * nothing (`busy` disables them), and each intent ("publish", "variant:SKU-1") keeps its
 * Idempotency-Key until the API has answered it, so a retry after a lost answer is done once.
 */
export function useOneAtATime() {
  const send = useCommand();
  const keys = useRef(new Map<string, string>());
  const sending = useRef(false);
  const [busy, setBusy] = useState(false);
  const run = useCallback(
    async (intent: string, method: Parameters<typeof send>[0], path: string, body: unknown): Promise<Sent | null> => {
      if (sending.current) return null;
      sending.current = true;
      setBusy(true);
      const key = keys.current.get(intent) ?? crypto.randomUUID();
      keys.current.set(intent, key);
      try {
        const sent = await send(method, path, body, key);
        if (sent.ok || sent.answered) keys.current.delete(intent);
        return sent;
      } finally {
        sending.current = false;
        setBusy(false);
      }
    },
    [send],
  );
  return { run, busy };
}

/** What the last change on a page came to, as the page says it: done (a status) or refused (an alert). */
export type Said = { ok: boolean; text: string };

/**
 * `useOneAtATime` for an editor that says how each change went: `save` sends it and words its
 * outcome (`done` when it went through, the API's refusal otherwise) into `said`.
 */
export function useSaving() {
  const { run, busy } = useOneAtATime();
  const [said, say] = useState<Said | null>(null);
  const save = useCallback(
    async (intent: string, method: Parameters<typeof run>[1], path: string, body: unknown, done: string) => {
      const sent = await run(intent, method, path, body);
      // null: another change was on its way, this click did nothing.
      if (sent) say(sent.ok ? { ok: true, text: done } : { ok: false, text: explain(sent.problem) });
      return sent;
    },
    [run],
  );
  return { save, busy, said, say };
}
export type Saving = ReturnType<typeof useSaving>;
