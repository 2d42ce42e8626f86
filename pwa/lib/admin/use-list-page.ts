'use client';

import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import type { FormEvent } from 'react';
import { type Loaded, useStaffJson } from './use-staff-json';

/** A keyset-paged answer of the query API: its items and the cursor of the page after them. */
type Page = { items: readonly unknown[]; nextCursor: string | null };

/** Where a list stands in its pages, as the pager draws it. */
export type ListPager = {
  /** Whether this is a later page (the browser's Back returns to the one before). */
  paged: boolean;
  next: string | null;
  onBack: () => void;
  onOlder: (cursor: string) => void;
};

/**
 * One back-office list page: its filters and cursor kept in the address (so a filtered page
 * can be shared and Back works), the page they ask the query API for, a submit handler for
 * the filter form, and the pager. Only the named filters are read from the address and sent.
 * `minPosition` (a command's answer) reads the page again once the read model has reached it.
 */
export function useListPage<P extends Page>(
  path: string,
  filters: readonly string[],
  { limit = 25, minPosition = null }: { limit?: number; minPosition?: string | null } = {},
): {
  params: ReturnType<typeof useSearchParams>;
  loaded: Loaded<P>;
  filter: (event: FormEvent<HTMLFormElement>) => void;
  pager: ListPager;
} {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const query = new URLSearchParams();
  for (const name of [...filters, 'cursor']) {
    const value = params.get(name);
    if (value) query.set(name, value);
  }
  query.set('limit', String(limit));
  const loaded = useStaffJson<P>(`${path}?${query}`, minPosition);

  const filter = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const next = new URLSearchParams();
    for (const name of filters) {
      const value = form.get(name);
      if (typeof value === 'string' && value.trim()) next.set(name, value.trim());
    }
    router.push(`${pathname}?${next}`);
  };
  const onOlder = (cursor: string) => {
    const next = new URLSearchParams(params);
    next.set('cursor', cursor);
    router.push(`${pathname}?${next}`);
  };
  return {
    params,
    loaded,
    filter,
    pager: {
      paged: params.has('cursor'),
      next: loaded.state === 'ok' ? loaded.data.nextCursor : null,
      onBack: () => router.back(),
      onOlder,
    },
  };
}
