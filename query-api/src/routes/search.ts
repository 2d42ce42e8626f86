import type { ShownImage } from '@flowdose/contract/common';
import { type SearchAnswer, SearchRequest } from '@flowdose/contract/search';
import { validate } from '@flowdose/shared/http/validate';
import { createSearchIndex, SEARCH_PROJECTION } from '@flowdose/shared/search/create';
import { Router } from 'express';
import type { Deps } from '../deps.ts';
import type { ReadCache } from '../read-cache.ts';
import { allShown, type ImageShower } from '../shown-images.ts';

export function searchRoutes({ pool, config }: Deps, cache: ReadCache, show: ImageShower): Router {
  const router = Router();
  // Where SEARCH_BACKEND says: the search read model, or Meilisearch.
  const index = createSearchIndex(config, pool);

  router.get('/search', async (req, res) => {
    const query = validate(SearchRequest, req.query);
    const { q, category, colour, size, cursor, ...rest } = query;
    // The search projection moves its checkpoint only once its index has the documents, so
    // the cache's positions (and X-Min-Position) cover Meilisearch too.
    const spec = {
      route: 'search',
      key: `search:${JSON.stringify(query)}`,
      projections: [SEARCH_PROJECTION],
      // A cover whose renditions are still being made shows the tile: not kept, asked again.
      keep: (answer: { hits: { image: ShownImage | null }[] }) => allShown(answer.hits.map((hit) => hit.image)),
    };
    await cache.serve(req, res, spec, async () => {
      const { hits, facets, nextCursor } = await index.search({
        ...rest,
        q,
        ...(category ? { categories: category } : {}),
        ...(colour ? { colours: colour } : {}),
        ...(size ? { sizes: size } : {}),
        ...(cursor ? { cursor } : {}),
      });
      return {
        hits: await Promise.all(
          hits.map(async ({ cover, ...hit }) => ({ ...hit, image: cover && (await show(cover)) })),
        ),
        facets,
        nextCursor,
      } satisfies SearchAnswer;
    });
  });

  return router;
}
