import { Id } from '@flowdose/domain/ids';
import { Currency, Money } from '@flowdose/domain/money';
import { Category } from '@flowdose/domain/product/events';
import { STORE_CURRENCY } from '@flowdose/domain/store-currency';
import { z } from 'zod';
import { ShownImage } from './common.ts';

// GET /search (issue 15): the query string and the answer. The SearchIndex port
// (shared/src/search/port.ts) takes the same sorts and answers the same facets.

export const SEARCH_SORTS = ['relevance', 'price_asc', 'price_desc', 'newest'] as const;
export const SEARCH_FACETS = ['category', 'colour', 'size', 'inStock', 'price'] as const;

/** One value, several separated by commas, or the parameter repeated: any of them matches. */
const AnyOf = <T extends z.ZodType<string>>(value: T) =>
  z
    .preprocess((v) => (typeof v === 'string' ? v.split(',') : v), z.array(value).min(1).max(20))
    .meta({ description: 'One value, or several (comma-separated or the parameter repeated): any of them.' });
const OptionValue = z.string().trim().min(1).max(40);
const Price = z.coerce.number().int().min(0).max(100_000_000);

export const SearchRequest = z
  .strictObject({
    q: z.string().trim().max(100).default('').meta({ description: 'Words, or the start of one; typos forgiven.' }),
    category: AnyOf(Category).optional(),
    colour: AnyOf(OptionValue).optional(),
    size: AnyOf(OptionValue).optional(),
    currency: Currency.default(STORE_CURRENCY),
    minPrice: Price.optional().meta({ description: 'In minor units of `currency`, inclusive.' }),
    maxPrice: Price.optional().meta({ description: 'In minor units of `currency`, inclusive.' }),
    inStock: z
      .enum(['true', 'false'])
      .transform((v) => v === 'true')
      .optional(),
    sort: z.enum(SEARCH_SORTS).default('relevance'),
    cursor: z
      .string()
      .min(1)
      .max(400)
      .optional()
      .meta({ description: 'nextCursor of the previous page, with the same query and sort.' }),
    limit: z.coerce.number().int().min(1).max(100).default(24),
  })
  .refine(({ minPrice, maxPrice }) => minPrice === undefined || maxPrice === undefined || minPrice <= maxPrice, {
    path: ['maxPrice'],
    message: 'must not be below minPrice',
  });

const Counts = z.record(z.string(), z.number().int());

export const SearchHit = z
  .object({
    productId: Id,
    handle: z.string(),
    title: z.string(),
    category: z.string(),
    price: Money.meta({ description: 'The lowest price of its variants in the asked currency.' }),
    inStock: z.boolean(),
    image: ShownImage.nullable().meta({ description: 'The cover image.' }),
    highlights: z.object({
      title: z.string().meta({ description: 'The title as HTML: escaped, the words that matched in <mark>.' }),
    }),
  })
  .meta({ id: 'SearchHit' });

export const SearchAnswer = z.object({
  hits: z.array(SearchHit),
  facets: z
    .object({
      category: Counts,
      colour: Counts,
      size: Counts,
      inStock: Counts.meta({ description: '"true" and "false".' }),
      price: Counts.meta({ description: 'Bands in minor units: "0-2500", "2500-5000", "5000-10000", "10000-".' }),
    })
    .meta({
      description:
        'Value → number of hits, each facet counted with every filter but its own (what ticking one more value would add).',
    }),
  nextCursor: z.string().nullable().meta({ description: 'The next page’s cursor; null on the last page.' }),
});
export type SearchHit = z.infer<typeof SearchHit>;
export type SearchAnswer = z.infer<typeof SearchAnswer>;
