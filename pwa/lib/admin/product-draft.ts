// The product editor's rows as typed (text, so a half-typed price or an empty SKU can be
// shown), and how they become what the command API takes.
import { Currency } from '@flowdose/domain/money';
import { parseMinorUnits } from '../format';
import type { AdminProduct } from './answers';

export const CURRENCIES = Currency.options;

export type VariantDraft = {
  /** The row's own id: a SKU is typed in and may be empty or repeated meanwhile. */
  id: string;
  sku: string;
  optionValues: Record<string, string>;
  prices: Record<string, string>;
  weightGrams: string;
};
export type OptionDraft = { id: string; name: string; values: string };
/** What the details form edits, as typed. */
export type Details = { title: string; handle: string; description: string; category: string; tags: string[] };

const major = (minor: number | undefined) => (minor === undefined ? '' : (minor / 100).toFixed(2));

export const toDraft = (v: AdminProduct['variants'][number]): VariantDraft => ({
  id: v.sku,
  sku: v.sku,
  optionValues: v.optionValues,
  prices: Object.fromEntries(CURRENCIES.map((c) => [c, major(v.prices.find((p) => p.currency === c)?.amount)])),
  weightGrams: String(v.weightGrams),
});

export const blankVariant = (): VariantDraft => ({
  id: crypto.randomUUID(),
  sku: '',
  optionValues: {},
  prices: {},
  weightGrams: '0',
});

/** A draft row as the command API takes a variant: prices in minor units, empty currencies left out. */
export const toVariant = (d: VariantDraft) => ({
  sku: d.sku.trim(),
  optionValues: d.optionValues,
  prices: Object.fromEntries(
    Object.entries(d.prices)
      .filter(([, text]) => text.trim() !== '')
      .map(([c, text]) => [c, parseMinorUnits(text) ?? text]),
  ),
  weightGrams: Number(d.weightGrams || 0),
});

/** "a, b,, c" → ["a", "b", "c"]. */
export const words = (text: string) =>
  text
    .split(',')
    .map((w) => w.trim())
    .filter(Boolean);

/** The details form's fields, as the command API takes them. */
export const detailsOf = (form: FormData): Details => ({
  title: String(form.get('title') ?? ''),
  handle: String(form.get('handle') ?? ''),
  description: String(form.get('description') ?? ''),
  category: String(form.get('category') ?? ''),
  tags: words(String(form.get('tags') ?? '')),
});

/** Only what changed: the API refuses an empty change, and the log records what moved. */
export const changedDetails = (now: Details, was: Partial<Details>) =>
  Object.fromEntries(
    Object.entries(now).filter(([k, v]) => JSON.stringify(v) !== JSON.stringify(was[k as keyof Details])),
  );
