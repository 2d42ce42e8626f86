'use client';

import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import type { FormEvent } from 'react';

/**
 * A list page's filters and paging kept in the address (so a filtered page can be shared
 * and Back works): the query to send, a submit handler for the filter form, and the way to
 * the next page by its cursor.
 */
export function useListQuery(filters: readonly string[], limit = 25) {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const query = new URLSearchParams();
  for (const name of [...filters, 'cursor']) {
    const value = params.get(name);
    if (value) query.set(name, value);
  }
  query.set('limit', String(limit));

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
  const older = (cursor: string) => {
    const next = new URLSearchParams(params);
    next.set('cursor', cursor);
    router.push(`${pathname}?${next}`);
  };
  return { params, query, filter, older, paged: params.has('cursor'), back: () => router.back() };
}
