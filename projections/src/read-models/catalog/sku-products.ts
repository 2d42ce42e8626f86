import { liveSchema } from '@flowdose/shared/read-models';
import { CATALOG } from './tables.ts';

const s = liveSchema(CATALOG);

/**
 * SQL for a derived table `(sku, product_id, title, category)` of every variant, for the
 * inventory's and product sales' queries to join: staff see stock or sales beside its product
 * in one statement, and the catalog's tables are still named in this module only. Apart from `queries.ts`, which imports the
 * inventory's queries, so that these can import this without a cycle.
 */
export const skuProductsSql = `(select v.sku, v.product_id, p.title, p.category
  from ${s}.variants v join ${s}.products p on p.product_id = v.product_id)`;
