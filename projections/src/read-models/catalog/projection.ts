import { productDecider } from '@flowdose/domain/product/decider';
import { productEventTypes } from '@flowdose/domain/product/events';
import { defineProjection, sql } from '../../projection.ts';
import { CATALOG, catalogTables } from './tables.ts';

export const catalogProjection = defineProjection({
  name: CATALOG,
  // 2: product_prices, the lowest price per product and currency, for lists; 3: images
  version: 3,
  events: productDecider.events,
  handles: productEventTypes,
  tables: catalogTables,
  // product_prices is a list page's lowest price, derived from these: left out.
  views: (s) => ({
    products: `select product_id, handle, title, category, tags, status, created_at, updated_at from ${s}.products`,
    variants: `select sku, product_id, option_values, weight_grams from ${s}.variants`,
    variant_prices: `select sku, currency, amount from ${s}.variant_prices`,
  }),
  apply(event, recorded, s) {
    const at = recorded.createdAt;
    // Lists sort and filter by a product's lowest price: kept ready here, not computed per read.
    const reprice = (productId: string) => [
      sql(`delete from ${s}.product_prices where product_id = $1`, [productId]),
      sql(
        `insert into ${s}.product_prices (product_id, currency, amount)
         select v.product_id, vp.currency, min(vp.amount) from ${s}.variants v join ${s}.variant_prices vp using (sku)
         where v.product_id = $1 group by v.product_id, vp.currency`,
        [productId],
      ),
    ];
    const status = (productId: string, value: string) =>
      sql(`update ${s}.products set status = $2, updated_at = $3 where product_id = $1`, [productId, value, at]);
    // Column names come from the event cases below, never from the event itself.
    const setJson = (productId: string, column: 'options' | 'images', value: unknown) =>
      sql(`update ${s}.products set ${column} = $2, updated_at = $3 where product_id = $1`, [
        productId,
        JSON.stringify(value),
        at,
      ]);
    switch (event.type) {
      case 'ProductCreated': {
        const d = event.data;
        return [
          sql(
            `insert into ${s}.products (product_id, handle, title, description, category, tags, options, status,
               created_at, updated_at, created_position)
             values ($1, $2, $3, $4, $5, $6, $7, 'draft', $8, $8, $9)`,
            [
              d.productId,
              d.handle,
              d.title,
              d.description,
              d.category,
              d.tags,
              JSON.stringify(d.options),
              at,
              recorded.position.minor,
            ],
          ),
        ];
      }
      case 'VariantAdded': {
        const { productId, sku, optionValues, weightGrams, prices } = event.data;
        return [
          sql(
            `insert into ${s}.variants (sku, product_id, option_values, weight_grams, added_position) values ($1, $2, $3, $4, $5)`,
            [sku, productId, JSON.stringify(optionValues), weightGrams, recorded.position.minor],
          ),
          ...Object.entries(prices).map(([currency, amount]) =>
            sql(`insert into ${s}.variant_prices (sku, currency, amount) values ($1, $2, $3)`, [sku, currency, amount]),
          ),
          sql(`update ${s}.products set updated_at = $2 where product_id = $1`, [productId, at]),
          ...reprice(productId),
        ];
      }
      case 'ProductDetailsUpdated': {
        const { productId, changes } = event.data;
        // Column names come from this fixed list, never from the event.
        const columns = (['title', 'handle', 'description', 'category', 'tags'] as const).filter(
          (c) => changes[c] !== undefined,
        );
        return [
          sql(
            `update ${s}.products set ${columns.map((c, i) => `${c} = $${i + 3}`).join(', ')}, updated_at = $2 where product_id = $1`,
            [productId, at, ...columns.map((c) => changes[c])],
          ),
        ];
      }
      case 'ProductOptionsChanged':
        return [setJson(event.data.productId, 'options', event.data.options)];
      case 'ProductImagesSet':
        return [setJson(event.data.productId, 'images', event.data.images)];
      case 'ProductImageAdded':
        return [
          sql(
            `update ${s}.products set images = images || jsonb_build_array($2::jsonb), updated_at = $3 where product_id = $1`,
            [event.data.productId, JSON.stringify(event.data.image), at],
          ),
        ];
      case 'VariantUpdated': {
        const { sku, changes } = event.data;
        return [
          ...(changes.weightGrams !== undefined
            ? [sql(`update ${s}.variants set weight_grams = $2 where sku = $1`, [sku, changes.weightGrams])]
            : []),
          // New prices replace the old ones whole: a currency left out is no longer sold.
          ...(changes.prices
            ? [
                sql(`delete from ${s}.variant_prices where sku = $1`, [sku]),
                ...Object.entries(changes.prices).map(([currency, amount]) =>
                  sql(`insert into ${s}.variant_prices (sku, currency, amount) values ($1, $2, $3)`, [
                    sku,
                    currency,
                    amount,
                  ]),
                ),
                ...reprice(event.data.productId),
              ]
            : []),
        ];
      }
      case 'VariantRemoved':
        return [sql(`delete from ${s}.variants where sku = $1`, [event.data.sku]), ...reprice(event.data.productId)];
      case 'ProductPublished':
        return [status(event.data.productId, 'published')];
      case 'ProductUnpublished':
        return [status(event.data.productId, 'draft')];
      case 'ProductArchived':
        return [status(event.data.productId, 'archived')];
      default: {
        const _exhaustive: never = event;
        return [];
      }
    }
  },
});
