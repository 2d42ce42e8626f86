'use client';
import type { ProductPage } from '@flowdose/domain/contract/query-api';
import Link from 'next/link';
import { useEffect, useId, useState } from 'react';

/** Search as you type: suggestions from the catalog API (kept by the service worker), Enter for all results. */
export function SearchBox({ initial }: { initial: string }) {
  const [q, setQ] = useState(initial);
  const [hits, setHits] = useState<ProductPage['items']>([]);
  const listId = useId();

  useEffect(() => {
    const words = q.trim();
    if (words.length < 2) {
      setHits([]);
      return;
    }
    const controller = new AbortController();
    const timer = setTimeout(() => {
      fetch(`/api/queries/products?limit=6&q=${encodeURIComponent(words)}`, { signal: controller.signal })
        .then((res): Promise<ProductPage> | ProductPage => (res.ok ? res.json() : { items: [], nextCursor: null }))
        .then((page) => setHits(page.items))
        .catch(() => {});
    }, 200);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [q]);

  return (
    <search className="search">
      <form method="get" action="/products">
        <label>
          Search
          <input
            name="q"
            type="search"
            value={q}
            onChange={(e) => setQ(e.target.value)}
            autoComplete="off"
            aria-controls={listId}
            placeholder="Try “linen” or “mug”"
          />
        </label>
        <ul id={listId} className="suggestions" aria-label="Suggestions">
          {hits.map((p) => (
            <li key={p.productId}>
              <Link href={`/products/${p.handle}`}>{p.title}</Link>
            </li>
          ))}
        </ul>
      </form>
    </search>
  );
}
