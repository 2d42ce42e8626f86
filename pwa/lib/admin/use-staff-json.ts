'use client';

import { useEffect, useRef, useState } from 'react';
import { useStaff } from './staff';

export type Problem = { title?: string; detail?: string; status?: number };

export type Loaded<T> =
  | { state: 'loading' }
  | { state: 'ok'; data: T }
  | { state: 'not-found' }
  | { state: 'failed'; problem: Problem };

/** The problem+json body of a refused request, or what can be said without one. */
export async function problemOf(res: Response): Promise<Problem> {
  const body = (await res.json().catch(() => null)) as Problem | null;
  return body ?? { status: res.status, title: res.statusText || `HTTP ${res.status}` };
}

/**
 * Reads one query-API answer as the signed-in staff member. What their role may not see is
 * "not found", like what does not exist: a page never tells a role what it is missing.
 * `minPosition` (a command's answer) reads again once the read model has reached it.
 */
export function useStaffJson<T>(path: string | null, minPosition: string | null = null): Loaded<T> {
  const { call } = useStaff();
  const [loaded, setLoaded] = useState<Loaded<T>>({ state: 'loading' });
  const shown = useRef<string | null>(null);
  useEffect(() => {
    if (!path) return;
    let live = true;
    // A re-read of the same answer (after a change) keeps showing the last one meanwhile:
    // the page does not jump, and focus stays where it was.
    const again = shown.current === path;
    shown.current = path;
    if (!again) setLoaded({ state: 'loading' });
    void (async () => {
      try {
        const res = await call(path, minPosition ? { headers: { 'x-min-position': minPosition } } : {});
        const next: Loaded<T> = res.ok
          ? { state: 'ok', data: (await res.json()) as T }
          : res.status === 404 || res.status === 403
            ? { state: 'not-found' }
            : { state: 'failed', problem: await problemOf(res) };
        if (live) setLoaded(next);
      } catch {
        if (live) setLoaded({ state: 'failed', problem: { title: 'The network is down' } });
      }
    })();
    return () => {
      live = false;
    };
  }, [path, call, minPosition]);
  return loaded;
}
