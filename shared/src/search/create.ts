import type { Config } from '../config.ts';
import type { Pool } from '../db.ts';
import { liveSchema } from '../read-models.ts';
import { createMeiliSearchIndex, type MeiliSettings } from './meilisearch.ts';
import type { SearchIndex } from './port.ts';
import { createPostgresSearchIndex } from './postgres.ts';

/** The read model whose documents the Postgres backend searches (projections/src/read-models/search). */
export const SEARCH_PROJECTION = 'search';

/** The Meilisearch settings the configuration names (config makes sure of MEILI_URL when it is the backend). */
export const meiliSettings = (config: Config): MeiliSettings => ({
  url: config.MEILI_URL ?? '',
  key: config.MEILI_KEY,
  index: config.MEILI_INDEX,
});

/** The index SEARCH_BACKEND names, for reading: the live search read model, or Meilisearch. */
export const createSearchIndex = (config: Config, pool: Pool): SearchIndex =>
  config.SEARCH_BACKEND === 'meilisearch'
    ? createMeiliSearchIndex(meiliSettings(config))
    : createPostgresSearchIndex(pool, liveSchema(SEARCH_PROJECTION));
