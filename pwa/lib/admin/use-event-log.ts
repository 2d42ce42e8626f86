'use client';

import { useCallback, useEffect, useState } from 'react';
import type { AuditItem, AuditPage } from './answers';
import { useStaff } from './staff';
import { type Loaded, problemOf } from './use-staff-json';

const PAGE = 200;

/**
 * An audit list read page by page (an order may have thousands of events): the first page
 * at once, the next ones when asked for, each after the last one's cursor.
 */
export function useEventLog(path: string) {
  const { call } = useStaff();
  const [items, setItems] = useState<AuditItem[]>([]);
  const [status, setStatus] = useState<Loaded<null>>({ state: 'loading' });
  const [next, setNext] = useState<string | null>(null);

  const load = useCallback(
    async (cursor: string | null) => {
      setStatus({ state: 'loading' });
      const query = new URLSearchParams({ limit: String(PAGE), ...(cursor ? { cursor } : {}) });
      try {
        const res = await call(`${path}?${query}`);
        if (!res.ok) {
          setStatus(
            res.status === 404 || res.status === 403
              ? { state: 'not-found' }
              : { state: 'failed', problem: await problemOf(res) },
          );
          return;
        }
        const page = (await res.json()) as AuditPage;
        setItems((had) => (cursor ? [...had, ...page.items] : page.items));
        setNext(page.nextCursor);
        setStatus({ state: 'ok', data: null });
      } catch {
        setStatus({ state: 'failed', problem: { title: 'The network is down' } });
      }
    },
    [call, path],
  );

  useEffect(() => {
    void load(null);
  }, [load]);

  return { items, status, more: next ? () => void load(next) : null };
}
