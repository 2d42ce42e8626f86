// The analytics page's range (in the address, so a view can be shared and reloaded) and the
// day arithmetic its charts need. Days are shop days as 'YYYY-MM-DD', counted in UTC here:
// a date string has no time zone, and the query API decides which day an event fell on.
import { Currency } from '@flowdose/domain/money';
import { STORE_CURRENCY } from '@flowdose/domain/store-currency';
import { formatMoney } from '../format';

export const CURRENCIES = Currency.options;
export const GRANULARITIES = ['day', 'week', 'month'] as const;
export type Granularity = (typeof GRANULARITIES)[number];
export const BREAKDOWNS = ['variant', 'category'] as const;
export type Breakdown = (typeof BREAKDOWNS)[number];

export type Range = {
  from: string;
  to: string;
  granularity: Granularity;
  currency: Currency;
  /** The top products by variant or rolled up per category. */
  by: Breakdown;
};

const DAY_MS = 86_400_000;
const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;
/** The query API's bound on a range: from and to at most this many days apart. */
export const MAX_RANGE_DAYS = 3 * 366;

const ms = (day: string) => Date.parse(`${day}T00:00:00Z`);
const iso = (time: number) => new Date(time).toISOString().slice(0, 10);
const isDay = (value: string | null): value is string =>
  value !== null && ISO_DAY.test(value) && iso(ms(value)) === value;
export const addDays = (day: string, days: number) => iso(ms(day) + days * DAY_MS);
export const daysBetween = (from: string, to: string) => Math.round((ms(to) - ms(from)) / DAY_MS);

/** Today in the shop's time zone, as a shop day. */
export function shopToday(timeZone: string, now = new Date()): string {
  // en-CA writes dates as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

export const PRESETS = [
  { id: '7d', label: 'Last 7 days' },
  { id: '30d', label: 'Last 30 days' },
  { id: '90d', label: 'Last 90 days' },
  { id: 'year', label: 'This year' },
] as const;
export type Preset = (typeof PRESETS)[number]['id'];

/** A preset's days, ending today. */
export function presetRange(preset: Preset, today: string): { from: string; to: string } {
  switch (preset) {
    case '7d':
      return { from: addDays(today, -6), to: today };
    case '30d':
      return { from: addDays(today, -29), to: today };
    case '90d':
      return { from: addDays(today, -89), to: today };
    case 'year':
      return { from: `${today.slice(0, 4)}-01-01`, to: today };
  }
}

/** The preset a range is, if it is one (so its button shows as the one chosen). */
export const presetOf = (range: { from: string; to: string }, today: string) =>
  PRESETS.find((p) => {
    const days = presetRange(p.id, today);
    return days.from === range.from && days.to === range.to;
  })?.id;

/**
 * The range an address asks for; what it leaves out or gets wrong is the default (the last
 * 30 days, per day, in the shop's currency). A range the API would refuse (from after to, or
 * longer than it allows) is said, not silently changed: `problem`.
 */
export function rangeFrom(params: URLSearchParams, today: string): { range: Range; problem: string | null } {
  const fallback = presetRange('30d', today);
  const from = params.get('from');
  const to = params.get('to');
  const granularity = params.get('granularity');
  const currency = params.get('currency');
  const by = params.get('by');
  const range: Range = {
    from: isDay(from) ? from : fallback.from,
    to: isDay(to) ? to : fallback.to,
    granularity: (GRANULARITIES as readonly string[]).includes(granularity ?? '')
      ? (granularity as Granularity)
      : 'day',
    currency: (CURRENCIES as readonly string[]).includes(currency ?? '') ? (currency as Currency) : STORE_CURRENCY,
    by: (BREAKDOWNS as readonly string[]).includes(by ?? '') ? (by as Breakdown) : 'variant',
  };
  return { range, problem: rangeProblem(range) };
}

export function rangeProblem({ from, to }: { from: string; to: string }): string | null {
  const days = daysBetween(from, to);
  if (days < 0) return 'The first day is after the last.';
  if (days > MAX_RANGE_DAYS) return 'A range can be at most three years long.';
  return null;
}

/** A range as an address's query: every part written out, so a shared link shows what its sender saw. */
export function rangeSearch(range: Range): string {
  return new URLSearchParams({
    from: range.from,
    to: range.to,
    granularity: range.granularity,
    currency: range.currency,
    by: range.by,
  }).toString();
}

/** The first day of the bucket a day falls in: itself, its week's Monday, its month's first. */
export function periodOf(day: string, granularity: Granularity): string {
  if (granularity === 'day') return day;
  if (granularity === 'month') return `${day.slice(0, 7)}-01`;
  const weekday = (new Date(ms(day)).getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  return addDays(day, -weekday);
}

const nextPeriod = (period: string, granularity: Granularity) => {
  if (granularity === 'day') return addDays(period, 1);
  if (granularity === 'week') return addDays(period, 7);
  const date = new Date(ms(period));
  date.setUTCMonth(date.getUTCMonth() + 1);
  return iso(date.getTime());
};

/** Every bucket of a range, oldest first (the first may start before `from`, as the API's does). */
export function periodsOf({ from, to, granularity }: Pick<Range, 'from' | 'to' | 'granularity'>): string[] {
  const periods: string[] = [];
  for (
    let p = periodOf(from, granularity);
    p <= to && periods.length <= MAX_RANGE_DAYS + 1;
    p = nextPeriod(p, granularity)
  )
    periods.push(p);
  return periods;
}

const formats = {
  day: new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', day: 'numeric', month: 'short', year: 'numeric' }),
  short: new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', day: 'numeric', month: 'short' }),
  month: new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', month: 'long', year: 'numeric' }),
  shortMonth: new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', month: 'short', year: '2-digit' }),
};

/** A day as people read it: 5 Jan 2026. */
export const formatDay = (day: string) => formats.day.format(ms(day));

/** A bucket in a table: 5 Jan 2026, Week of 5 Jan 2026, January 2026. */
export function formatPeriod(period: string, granularity: Granularity): string {
  if (granularity === 'month') return formats.month.format(ms(period));
  if (granularity === 'week') return `Week of ${formatDay(period)}`;
  return formatDay(period);
}

/** A bucket under a chart's axis, short: 5 Jan, Jan 26. */
export const formatTick = (period: string, granularity: Granularity) =>
  granularity === 'month' ? formats.shortMonth.format(ms(period)) : formats.short.format(ms(period));

const compact = new Map<string, Intl.NumberFormat>();
/** Money on an axis, short: €1.2K. */
export function formatMoneyShort(amount: number, currency: string): string {
  let format = compact.get(currency);
  if (!format) {
    format = new Intl.NumberFormat('en-GB', {
      style: 'currency',
      currency,
      notation: 'compact',
      maximumFractionDigits: 1,
    });
    compact.set(currency, format);
  }
  return format.format(amount / 100);
}

const percent = new Intl.NumberFormat('en-GB', { style: 'percent', maximumFractionDigits: 1 });
/** A share as a percentage (62.5%), or a dash when there was nothing to take a share of. */
export const formatRate = (rate: number | null) => (rate === null ? '—' : percent.format(rate));

/** The name a downloaded report is saved under: sales-2026-01-01-2026-01-31-EUR.csv. */
export const csvName = (report: string, range: Pick<Range, 'from' | 'to' | 'currency'>) =>
  `${report}-${range.from}-${range.to}-${range.currency}.csv`;

/** A granularity as words after a figure: "per day". */
export const PER: Record<Granularity, string> = { day: 'per day', week: 'per week', month: 'per month' };

export const sum = <T>(items: readonly T[], of: (item: T) => number) =>
  items.reduce((total, item) => total + of(item), 0);

/** The range's total of each named figure. */
export const totalsOf = <K extends string>(items: readonly Record<K, number>[], keys: readonly K[]) =>
  Object.fromEntries(keys.map((k) => [k, sum(items, (b) => b[k])])) as Record<K, number>;

/** Amounts in the range's currency, as a person reads them (minor units in, €12.50 out). */
export const moneyIn = (currency: Currency) => (amount: number) => formatMoney({ amount, currency });

/** One figure per period of the range, 0 for a period the API has no row for (no activity). */
function seriesOf<T extends { period: string }>(
  periods: string[],
  items: readonly T[],
  pick: (bucket: T) => number,
): number[] {
  const byPeriod = new Map(items.map((b) => [b.period, b]));
  return periods.map((p) => {
    const bucket = byPeriod.get(p);
    return bucket ? pick(bucket) : 0;
  });
}

/** A report's buckets over every period of the range, and how a period is written under an axis and in words. */
export function overPeriods<T extends { period: string }>(range: Range, items: readonly T[]) {
  const periods = periodsOf(range);
  return {
    periods,
    series: (pick: (bucket: T) => number) => seriesOf(periods, items, pick),
    tick: (period: string) => formatTick(period, range.granularity),
    when: (index: number) => formatPeriod(periods[index]!, range.granularity),
  };
}
