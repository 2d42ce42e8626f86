import type { Config } from '@flowdose/shared/config';
import { meiliSettings } from '@flowdose/shared/search/create';
import { createMeiliSearchIndex } from '@flowdose/shared/search/meilisearch';
import type { Projection } from './projection.ts';
import { cartAbandonmentProjection } from './read-models/cart_abandonment/projection.ts';
import { cartsProjection } from './read-models/carts/projection.ts';
import { catalogProjection } from './read-models/catalog/projection.ts';
import { customersProjection } from './read-models/customers/projection.ts';
import { discountUsageProjection } from './read-models/discount_usage/projection.ts';
import { discountsProjection } from './read-models/discounts/projection.ts';
import { funnelDailyProjection } from './read-models/funnel_daily/projection.ts';
import { inventoryProjection } from './read-models/inventory/projection.ts';
import { ordersProjection } from './read-models/orders/projection.ts';
import { productSalesProjection } from './read-models/product_sales/projection.ts';
import { salesDailyProjection } from './read-models/sales_daily/projection.ts';
import { postgresFeed, type SearchFeed, searchProjection } from './read-models/search/projection.ts';
import { shopDays } from './read-models/shop-day.ts';

/**
 * Each read model is one folder in `read-models/<name>/`: `tables.ts` (its name, its tables
 * and their row types), `projection.ts` (event → SQL) and `queries.ts` (the reads both APIs
 * call, answering the contract's types).
 * They live here rather than in shared because the projections package already sits below
 * both APIs (they import its registry and status) and above shared, so no import goes upwards.
 * This list has the configuration's defaults: search fed from its PostgreSQL table, shop
 * days in UTC. What applies events for a service takes `projectionsFor(config)`, which
 * follows SEARCH_BACKEND and SHOP_TIME_ZONE.
 */
export const projections: readonly Projection[] = projectionsWith(postgresFeed, 'UTC');

function projectionsWith(search: SearchFeed, timeZone: string): readonly Projection[] {
  const shopDay = shopDays(timeZone);
  return [
    cartAbandonmentProjection(shopDay),
    cartsProjection,
    catalogProjection,
    customersProjection,
    discountUsageProjection(shopDay),
    discountsProjection,
    funnelDailyProjection(shopDay),
    inventoryProjection,
    ordersProjection,
    productSalesProjection(shopDay),
    salesDailyProjection(shopDay),
    searchProjection(search),
  ];
}

/**
 * The projections as the configuration wants them applied: the same list, the analytics
 * models counting days in SHOP_TIME_ZONE and the search projection feeding Meilisearch when
 * SEARCH_BACKEND says so. Whatever applies events (the workers, rebuilds, the migration's
 * rebuilds) takes its list from here.
 */
export function projectionsFor(config: Config): readonly Projection[] {
  let search = postgresFeed;
  if (config.SEARCH_BACKEND === 'meilisearch') {
    const meili = createMeiliSearchIndex(meiliSettings(config));
    search = () => meili;
  }
  return withDeadLetterPolicies(projectionsWith(search, config.SHOP_TIME_ZONE), config.DEAD_LETTER_SKIP);
}

/** The projections DEAD_LETTER_SKIP names skip what they cannot apply; the others stop there. */
function withDeadLetterPolicies(list: readonly Projection[], skip: readonly string[]): readonly Projection[] {
  const unknown = skip.filter((name) => !list.some((p) => p.name === name));
  if (unknown.length > 0)
    throw new Error(
      `DEAD_LETTER_SKIP names no projection: ${unknown.join(', ')} (known: ${list.map((p) => p.name).join(', ')})`,
    );
  if (skip.length === 0) return list;
  return list.map((p) => (skip.includes(p.name) ? { ...p, deadLetterPolicy: 'skip' as const } : p));
}

export function projectionNamed(name: string, among: readonly Projection[] = projections): Projection {
  const found = among.find((p) => p.name === name);
  if (!found) throw new Error(`No projection named "${name}". Known: ${among.map((p) => p.name).join(', ')}`);
  return found;
}
