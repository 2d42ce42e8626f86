import { randomBytes } from 'node:crypto';
import type { Currency } from '@flowdose/domain/money';
import { demoCatalog } from '@flowdose/infra/seed/demo-catalog';
import { createTestDatabase, type TestDatabase } from '@flowdose/testing/db';
import { freePort } from '@flowdose/testing/process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isUnavailable } from '../unavailable.ts';
import { searchIndexContract } from './contract.test-support.ts';
import { markTitle } from './highlight.ts';
import { createMeiliSearchIndex } from './meilisearch.ts';
import type { SearchDocument } from './port.ts';
import { createPostgresSearchIndex, searchDocumentsTable } from './postgres.ts';

/**
 * The demo catalog's published products as the search projection makes them (its own test
 * checks that from events): lowest price per currency, option values, in stock when a variant is.
 */
const documents: SearchDocument[] = demoCatalog()
  .map((p, i) => ({ p, i }))
  .filter(({ p }) => p.publish)
  .map(({ p, i }) => {
    const prices: Partial<Record<Currency, number>> = {};
    for (const v of p.variants)
      for (const [c, amount] of Object.entries(v.prices) as [Currency, number][])
        prices[c] = Math.min(prices[c] ?? amount, amount);
    const values = (option: string) => [...new Set(p.variants.flatMap((v) => v.optionValues[option] ?? []))];
    return {
      productId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      handle: p.handle,
      title: p.title,
      description: p.description,
      category: p.category,
      prices,
      colours: values('Colour'),
      sizes: values('Size'),
      inStock: Object.values(p.stock).some((n) => n > 0),
      // A minute apart, some in the same minute: the newest sort must break ties.
      createdAt: Date.UTC(2026, 0, 1) + Math.floor(i / 3) * 60_000,
      cover: null,
    };
  });

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

searchIndexContract(
  'PostgreSQL',
  async () => {
    const schema = `search_contract_${randomBytes(4).toString('hex')}`;
    await db.pool.query(`create schema ${schema}; ${searchDocumentsTable(schema)}`);
    return {
      index: createPostgresSearchIndex(db.pool, schema),
      cleanup: async () => void (await db.pool.query(`drop schema ${schema} cascade`)),
    };
  },
  documents,
);

// The Meilisearch half needs a server: none can run on the development machines, so it runs
// where MEILI_URL names one (the GitHub workflow's service container), in an index of its own.
const meiliUrl = process.env.MEILI_URL;
if (!meiliUrl)
  console.warn(
    '[search] SKIPPED the Meilisearch half of the SearchIndex contract: MEILI_URL is not set. ' +
      'Set MEILI_URL (and MEILI_KEY) to a Meilisearch server to run it; CI does.',
  );
describe.skipIf(!meiliUrl)(`the Meilisearch index at ${meiliUrl ?? '(MEILI_URL not set: skipped)'}`, () => {
  searchIndexContract(
    'Meilisearch',
    async () => {
      const index = createMeiliSearchIndex({
        url: meiliUrl!,
        key: process.env.MEILI_KEY,
        index: `flowdose_test_${randomBytes(6).toString('hex')}`,
      });
      return { index, cleanup: () => index.drop() };
    },
    documents,
  );
});

describe('a Meilisearch server that does not answer', () => {
  it('is unavailable (a 503 to clients), for search as for any service', async () => {
    // A port just found free, so nothing listens there (fetch refuses port 1 outright as a "bad port").
    const index = createMeiliSearchIndex({ url: `http://127.0.0.1:${await freePort()}`, index: 'products' });
    const error = await index
      .search({ q: 'hoodie', currency: 'EUR', sort: 'relevance', limit: 5 })
      .catch((e: unknown) => e);
    expect(isUnavailable(error)).toBe(true);
  });
});

describe('highlights', () => {
  it('marks the words a query found, typed so far or with a forgiven typo, and escapes the rest', () => {
    expect(markTitle('Classic Cotton Hoodie', 'hodie')).toBe('Classic Cotton <mark>Hoodie</mark>');
    expect(markTitle('Classic Cotton Hoodie', 'clas cot')).toBe('<mark>Classic</mark> <mark>Cotton</mark> Hoodie');
    expect(markTitle('Crème & <Bowl>', 'creme')).toBe('<mark>Crème</mark> &amp; &lt;Bowl&gt;');
    // Four letters forgive no typo (as Meilisearch): "cap" is not "cup".
    expect(markTitle('Black Cap', 'cup')).toBe('Black Cap');
  });
});

describe('the demo documents', () => {
  it('are the published demo products, with options and prices in two currencies', () => {
    expect(documents.length).toBeGreaterThan(450);
    expect(documents.every((d) => d.prices.EUR && d.prices.USD)).toBe(true);
    expect(documents.some((d) => d.colours.length > 1 && d.sizes.length > 1)).toBe(true);
    expect(documents.some((d) => !d.inStock)).toBe(true);
  });
});
