import { SEARCH_FACETS, type SearchFacet, type SearchResult } from './port.ts';

/**
 * An answer's facets from (facet, value, count) triples, every facet present, each one's
 * values by count, largest first, then by name: what a shopper scans. (JSON keeps that order,
 * except that keys which are whole numbers, shoe sizes, always come first, ascending.)
 */
export function facetsOf(counts: Iterable<{ facet: SearchFacet; value: string; n: number }>): SearchResult['facets'] {
  const lists = new Map<SearchFacet, [string, number][]>(SEARCH_FACETS.map((f) => [f, []]));
  for (const { facet, value, n } of counts) lists.get(facet)!.push([value, n]);
  return Object.fromEntries(
    [...lists].map(([facet, list]) => [
      facet,
      Object.fromEntries(list.sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0))),
    ]),
  ) as SearchResult['facets'];
}
