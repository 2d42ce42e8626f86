import { readEvent } from '@flowdose/domain/event-schemas';
import { inventoryDecider } from '@flowdose/domain/inventory/decider';
import { inventoryEventTypes } from '@flowdose/domain/inventory/events';
import { productDecider } from '@flowdose/domain/product/decider';
import { productEventTypes } from '@flowdose/domain/product/events';
import type { PoolClient } from '@flowdose/shared/db';
import type { RecordedEvent } from '@flowdose/shared/event-store/port';
import { SEARCH_PROJECTION } from '@flowdose/shared/search/create';
import type { SearchIndex } from '@flowdose/shared/search/port';
import { createPostgresSearchIndex } from '@flowdose/shared/search/postgres';
import { combineProjections, defineProjection, type Projection, sql } from '../../projection.ts';
import { documentsOf } from './documents.ts';
import { searchTables } from './tables.ts';

/**
 * Where a range's documents go: the index writing in the range's own transaction and schema
 * (PostgreSQL: the documents table, committed with the checkpoint), or one outside it
 * (Meilisearch: each write waited for before the checkpoint commits; a replay writes again).
 */
export type SearchFeed = (tx: PoolClient, schema: string) => Pick<SearchIndex, 'upsert' | 'remove'>;

export const postgresFeed: SearchFeed = (tx, schema) => createPostgresSearchIndex(tx, schema);

const VERSION = 1;

/** The products a range touched: named by product events, or through a SKU by stock events. */
async function touchedProducts(tx: PoolClient, s: string, events: readonly RecordedEvent[]): Promise<string[]> {
  const products = new Set<string>();
  const skus = new Set<string>();
  for (const recorded of events) {
    if ((productEventTypes as readonly string[]).includes(recorded.type))
      products.add(readEvent(productDecider.events, recorded).data.productId);
    else if ((inventoryEventTypes as readonly string[]).includes(recorded.type))
      skus.add(readEvent(inventoryDecider.events, recorded).data.sku);
  }
  if (skus.size > 0) {
    const { rows } = await tx.query<{ product_id: string }>(
      `select distinct product_id from ${s}.variants where sku = any($1::text[])`,
      [[...skus]],
    );
    for (const { product_id } of rows) products.add(product_id);
  }
  return [...products];
}

/**
 * The search read model: products as search finds them, from catalog and stock events. Its
 * statements keep what a document needs in its own tables; after each range the documents of
 * the products it touched are rebuilt from those tables and handed to the index (`feed`).
 */
export function searchProjection(feed: SearchFeed): Projection {
  const afterApply: Projection['afterApply'] = async (tx, s, events) => {
    const touched = await touchedProducts(tx, s, events);
    if (touched.length === 0) return;
    const { documents, gone } = await documentsOf(tx, s, touched);
    const index = feed(tx, s);
    await index.upsert(documents);
    await index.remove(gone);
  };

  const catalog = defineProjection({
    name: SEARCH_PROJECTION,
    version: VERSION,
    events: productDecider.events,
    handles: productEventTypes,
    tables: searchTables,
    afterApply,
    apply(event, recorded, s) {
      const status = (value: string) =>
        sql(`update ${s}.products set status = $2 where product_id = $1`, [event.data.productId, value]);
      switch (event.type) {
        case 'ProductCreated': {
          const d = event.data;
          return [
            sql(
              `insert into ${s}.products (product_id, handle, title, description, category, status, created_at)
               values ($1, $2, $3, $4, $5, 'draft', $6)`,
              [d.productId, d.handle, d.title, d.description, d.category, recorded.createdAt.getTime()],
            ),
          ];
        }
        case 'ProductDetailsUpdated': {
          const { productId, changes } = event.data;
          // Column names come from this fixed list, never from the event.
          const columns = (['title', 'handle', 'description', 'category'] as const).filter(
            (c) => changes[c] !== undefined,
          );
          if (columns.length === 0) return [];
          return [
            sql(
              `update ${s}.products set ${columns.map((c, i) => `${c} = $${i + 2}`).join(', ')} where product_id = $1`,
              [productId, ...columns.map((c) => changes[c])],
            ),
          ];
        }
        case 'ProductImagesSet':
          return [
            sql(`update ${s}.products set images = $2 where product_id = $1`, [
              event.data.productId,
              JSON.stringify(event.data.images),
            ]),
          ];
        case 'ProductImageAdded':
          return [
            sql(`update ${s}.products set images = images || jsonb_build_array($2::jsonb) where product_id = $1`, [
              event.data.productId,
              JSON.stringify(event.data.image),
            ]),
          ];
        case 'VariantAdded': {
          const { productId, sku, optionValues, prices } = event.data;
          return [
            sql(`insert into ${s}.variants (sku, product_id, option_values, prices) values ($1, $2, $3, $4)`, [
              sku,
              productId,
              JSON.stringify(optionValues),
              JSON.stringify(prices),
            ]),
          ];
        }
        case 'VariantUpdated':
          // New prices replace the old ones whole, as in the catalog.
          return event.data.changes.prices
            ? [
                sql(`update ${s}.variants set prices = $2 where sku = $1`, [
                  event.data.sku,
                  JSON.stringify(event.data.changes.prices),
                ]),
              ]
            : [];
        case 'VariantRemoved':
          return [sql(`delete from ${s}.variants where sku = $1`, [event.data.sku])];
        case 'ProductPublished':
          return [status('published')];
        case 'ProductUnpublished':
          return [status('draft')];
        case 'ProductArchived':
          return [status('archived')];
        // Searched by the values its variants have, not by the option lists.
        case 'ProductOptionsChanged':
          return [];
        default: {
          const _exhaustive: never = event;
          return [];
        }
      }
    },
  });

  const stock = defineProjection({
    name: SEARCH_PROJECTION,
    version: VERSION,
    events: inventoryDecider.events,
    handles: inventoryEventTypes,
    tables: searchTables,
    apply(event, _recorded, s) {
      // Only what is free to order counts: available = on hand - reserved, kept as one number.
      const move = (delta: string, values: unknown[]) =>
        sql(
          `insert into ${s}.stock (sku, available) values ($1, ${delta})
           on conflict (sku) do update set available = stock.available + excluded.available`,
          [event.data.sku, ...values],
        );
      const held = `(select quantity from ${s}.reservations where reservation_id = $2)`;
      switch (event.type) {
        case 'StockRestocked':
          return [move('$2::int', [event.data.quantity])];
        case 'StockAdjusted':
          return [move('$2::int', [event.data.delta])];
        case 'StockReserved':
          return [
            move('-$2::int', [event.data.quantity]),
            sql(`insert into ${s}.reservations (reservation_id, quantity) values ($1, $2)`, [
              event.data.reservationId,
              event.data.quantity,
            ]),
          ];
        case 'ReservationReleased':
          return [
            move(held, [event.data.reservationId]),
            sql(`delete from ${s}.reservations where reservation_id = $1`, [event.data.reservationId]),
          ];
        // Committed units leave on hand and reserved alike: what is available does not move.
        case 'ReservationCommitted':
          return [sql(`delete from ${s}.reservations where reservation_id = $1`, [event.data.reservationId])];
        default: {
          const _exhaustive: never = event;
          return [];
        }
      }
    },
  });

  return combineProjections(catalog, stock);
}
