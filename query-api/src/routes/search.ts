import { SearchRequest } from '@flowdose/domain/contract/search';
import { imageView } from '@flowdose/domain/product/media';
import { validate } from '@flowdose/shared/http/validate';
import { createSearchIndex, SEARCH_PROJECTION } from '@flowdose/shared/search/create';
import { Router } from 'express';
import type { Deps } from '../deps.ts';
import { minPosition } from '../min-position.ts';

// As the catalog's lists: the same for everyone, kept briefly by browsers, the service worker
// (which also answers searches made before when offline) and proxies, revalidated by ETag.
const SEARCH_CACHE = 'public, max-age=30, stale-while-revalidate=300';

export function searchRoutes({ pool, waitForPosition, config, search }: Deps): Router {
  const router = Router();
  const index = search ?? createSearchIndex(config, pool);
  const base = config.MEDIA_PUBLIC_BASE_URL;

  router.get('/search', async (req, res) => {
    const { q, category, colour, size, cursor, ...rest } = validate(SearchRequest, req.query);
    // The search projection moves its checkpoint only once its index has the documents, so
    // this wait covers Meilisearch too.
    await minPosition(req, waitForPosition, SEARCH_PROJECTION);
    const { hits, facets, nextCursor } = await index.search({
      ...rest,
      q,
      ...(category ? { categories: category } : {}),
      ...(colour ? { colours: colour } : {}),
      ...(size ? { sizes: size } : {}),
      ...(cursor ? { cursor } : {}),
    });
    res.set('Cache-Control', SEARCH_CACHE);
    res.json({
      hits: hits.map(({ cover, ...hit }) => ({ ...hit, image: cover && imageView(cover, base) })),
      facets,
      nextCursor,
    });
  });

  return router;
}
