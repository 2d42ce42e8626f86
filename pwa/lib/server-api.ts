import type { ProductDetail as Product, ProductPage } from '@flowdose/contract/query-api';
import type { SearchAnswer } from '@flowdose/contract/search';
import { serverEnv } from './env';

// Server components read the query API directly; the browser goes through /api/queries.
const QUERY_API = serverEnv.QUERY_API_URL;

async function read<T>(path: string): Promise<T | null> {
  const res = await fetch(QUERY_API + path, { cache: 'no-store' });
  if (res.status === 404) return null;
  if (!res.ok) throw new Error(`${path}: ${res.status}`);
  return (await res.json()) as T;
}

export const listProducts = async (query: URLSearchParams) =>
  (await read<ProductPage>(`/products?${query}`)) ?? { items: [], nextCursor: null };

export const findProduct = (handle: string) => read<Product>(`/products/${encodeURIComponent(handle)}`);

export const listCategories = async () =>
  (await read<{ items: { category: string; products: number }[] }>('/categories'))?.items ?? [];

/** GET /search; null when the query API refused the query (a 400: a bad price range, say). */
export const searchProducts = async (query: URLSearchParams): Promise<SearchAnswer | null> => {
  const res = await fetch(`${QUERY_API}/search?${query}`, { cache: 'no-store' });
  if (res.status === 400) return null;
  if (!res.ok) throw new Error(`/search: ${res.status}`);
  return (await res.json()) as SearchAnswer;
};
