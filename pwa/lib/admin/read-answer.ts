'use client';

import { explain } from './commands';
import type { useStaff } from './staff';
import { problemOf } from './use-staff-json';

/**
 * Reads one query-API answer once, for a page that reads on a schedule of its own (polling,
 * reading again after a change): the answer, or what went wrong in words.
 */
export async function readAnswer<T>(
  call: ReturnType<typeof useStaff>['call'],
  path: string,
): Promise<{ ok: true; data: T } | { ok: false; error: string }> {
  try {
    const res = await call(path);
    if (res.ok) return { ok: true, data: (await res.json()) as T };
    return { ok: false, error: explain(await problemOf(res)) };
  } catch {
    return { ok: false, error: 'The network is down.' };
  }
}
