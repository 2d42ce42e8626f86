import type { ProductDetail as Product, ProductPage } from '@flowdose/domain/contract/query-api';

// Server components read the query API directly; the browser goes through /api/queries.
const QUERY_API = process.env.QUERY_API_URL ?? 'http://127.0.0.1:4002';

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
