'use client';
import type { SearchHit as Hit } from '@flowdose/contract/search';
import Link from 'next/link';
import { useEffect, useId, useState } from 'react';
import { Highlighted } from '@/components/highlighted';

/**
 * Search as you type: suggestions from GET /search (typos forgiven, the matched words marked;
 * kept by the service worker, so a search made before still suggests offline), Enter for the
 * search page with its filters.
 */
export function SearchBox({ initial }: { initial: string }) {
  const [q, setQ] = useState(initial);
  const [hits, setHits] = useState<Hit[]>([]);
  // Suggestions only once the shopper types: on a results page they would cover the results.
  const [typed, setTyped] = useState(false);
  const listId = useId();

  useEffect(() => {
    const words = q.trim();
    if (!typed || words.length < 2) {
      setHits([]);
      return;
    }
    const controller = new AbortController();
    const timer = setTimeout(() => {
      fetch(`/api/queries/search?limit=6&q=${encodeURIComponent(words)}`, { signal: controller.signal })
        .then((res): Promise<{ hits: Hit[] }> | { hits: Hit[] } => (res.ok ? res.json() : { hits: [] }))
        .then((answer) => setHits(answer.hits))
        .catch(() => {});
    }, 200);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [q, typed]);

  return (
    <search className="search">
      <form method="get" action="/search">
        <label>
          Search
          <input
            name="q"
            type="search"
            value={q}
            onChange={(e) => {
              setTyped(true);
              setQ(e.target.value);
            }}
            autoComplete="off"
            aria-controls={listId}
            placeholder="Try “linen” or “mug”"
          />
        </label>
        <ul id={listId} className="suggestions" aria-label="Suggestions">
          {hits.map((hit) => (
            <li key={hit.productId}>
              <Link href={`/products/${hit.handle}`}>
                <Highlighted html={hit.highlights.title} />
              </Link>
            </li>
          ))}
        </ul>
      </form>
    </search>
  );
}
