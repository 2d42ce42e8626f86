'use client';

import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { type FormEvent, type ReactNode, useId, useState } from 'react';
import {
  BREAKDOWNS,
  CURRENCIES,
  csvName,
  formatDay,
  formatMoneyShort,
  formatPeriod,
  formatRate,
  formatTick,
  GRANULARITIES,
  type Granularity,
  PRESETS,
  periodsOf,
  presetOf,
  presetRange,
  type Range,
  rangeFrom,
  rangeProblem,
  rangeSearch,
} from '@/lib/admin/analytics';
import type { AbandonmentReport, FunnelReport, ProductSalesReport, SalesReport } from '@/lib/admin/answers';
import { explain } from '@/lib/admin/commands';
import { useStaff } from '@/lib/admin/staff';
import { type Loaded, problemOf, useStaffJson } from '@/lib/admin/use-staff-json';
import { formatMoney } from '@/lib/format';
import { BarChart, ChartBox, ColumnChart, FunnelChart, LineChart } from './charts';
import { Pending } from './pending';

const PER: Record<Granularity, string> = { day: 'per day', week: 'per week', month: 'per month' };
const TOP = 10;

/** A report's address at the query API, through the back office's forwarder. */
const reportPath = (report: string, query: Record<string, string | number>) =>
  `/queries/admin/analytics/${report}?${new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)]))}`;
const periodQuery = (range: Range) => ({
  from: range.from,
  to: range.to,
  currency: range.currency,
  granularity: range.granularity,
  limit: 5000,
});

const sum = <T,>(items: readonly T[], of: (item: T) => number) => items.reduce((total, item) => total + of(item), 0);

/**
 * Sales, best sellers, the checkout funnel and abandoned carts over a range of shop days, in
 * one currency at a time (money is never added across currencies). The range is the
 * address's query; each panel reads its own report, draws it, and has its figures as a table
 * and as a CSV file.
 */
export function AnalyticsView({ today, timeZone }: { today: string; timeZone: string }) {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const { range, problem } = rangeFrom(params, today);
  const go = (next: Range) => router.push(`${pathname}?${rangeSearch(next)}`, { scroll: false });

  return (
    <>
      <h1>Analytics</h1>
      <RangeForm range={range} today={today} timeZone={timeZone} onChange={go} />
      {problem ? (
        <p role="alert" className="error">
          {problem} Choose another range.
        </p>
      ) : (
        <div className="analytics-panels">
          <SalesPanel range={range} />
          <ProductsPanel range={range} onBy={(by) => go({ ...range, by })} />
          <FunnelPanel range={range} />
          <AbandonmentPanel range={range} />
        </div>
      )}
    </>
  );
}

function RangeForm({
  range,
  today,
  timeZone,
  onChange,
}: {
  range: Range;
  today: string;
  timeZone: string;
  onChange: (range: Range) => void;
}) {
  const [error, setError] = useState<string | null>(null);
  const ids = useId();
  const preset = presetOf(range, today);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const next: Range = {
      ...range,
      from: String(form.get('from') ?? ''),
      to: String(form.get('to') ?? ''),
      granularity: String(form.get('granularity')) as Granularity,
      currency: String(form.get('currency')) as Range['currency'],
    };
    const wrong = !next.from || !next.to ? 'Give both days.' : rangeProblem(next);
    setError(wrong);
    if (!wrong) onChange(next);
  };
  return (
    <div className="analytics-range">
      {/* The fields start again from the address whenever it changes (a preset, Back). */}
      <form key={rangeSearch(range)} className="admin-filters" onSubmit={submit} aria-label="Range">
        {/* Labels beside their fields (not around them): a select's name is then its label alone. */}
        <div className="field">
          <label htmlFor={`${ids}-from`}>From</label>
          <input id={`${ids}-from`} type="date" name="from" defaultValue={range.from} max={today} required />
        </div>
        <div className="field">
          <label htmlFor={`${ids}-to`}>To</label>
          <input id={`${ids}-to`} type="date" name="to" defaultValue={range.to} required />
        </div>
        <div className="field">
          <label htmlFor={`${ids}-granularity`}>Per</label>
          <select id={`${ids}-granularity`} name="granularity" defaultValue={range.granularity}>
            {GRANULARITIES.map((g) => (
              <option key={g} value={g}>
                {g}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${ids}-currency`}>Currency</label>
          <select id={`${ids}-currency`} name="currency" defaultValue={range.currency}>
            {CURRENCIES.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </div>
        <button type="submit">Show</button>
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
      </form>
      <fieldset className="presets">
        <legend className="visually-hidden">Quick ranges</legend>
        {PRESETS.map((p) => (
          <button
            key={p.id}
            type="button"
            className="secondary"
            aria-pressed={preset === p.id}
            onClick={() => {
              setError(null);
              onChange({ ...range, ...presetRange(p.id, today) });
            }}
          >
            {p.label}
          </button>
        ))}
      </fieldset>
      <p className="muted">
        {formatDay(range.from)} to {formatDay(range.to)}, {PER[range.granularity]}, in {range.currency}. Days are the
        shop’s ({timeZone}).
      </p>
    </div>
  );
}

/** Saves a report as CSV: the same query, asked with Accept: text/csv. */
function DownloadCsv({ path, name, what, disabled }: { path: string; name: string; what: string; disabled: boolean }) {
  const { call } = useStaff();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const download = async () => {
    setBusy(true);
    setError(null);
    try {
      const res = await call(path, { headers: { accept: 'text/csv' } });
      if (!res.ok) {
        setError(`The CSV could not be made: ${explain(await problemOf(res))}`);
        return;
      }
      const url = URL.createObjectURL(await res.blob());
      const link = document.createElement('a');
      link.href = url;
      link.download = name;
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch {
      setError('The CSV could not be made: the network is down.');
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <button type="button" className="secondary" onClick={() => void download()} disabled={disabled || busy}>
        Download CSV<span className="visually-hidden"> of {what}</span>
      </button>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </>
  );
}

/**
 * One report: its heading, its chart in a box that keeps its height whatever the state (so
 * nothing below moves), its figures as a table (read out by screen readers, shown on
 * request), and its CSV.
 */
function Panel({
  id,
  title,
  what,
  loaded,
  path,
  file,
  empty,
  controls,
  summary,
  chart,
  table,
}: {
  id: string;
  title: string;
  /** What the panel shows, in a sentence ("the sales"). */
  what: string;
  loaded: Loaded<unknown>;
  path: string;
  file: string;
  /** Said instead of the chart when the range has nothing to show; null when it has. */
  empty: string | null;
  controls?: ReactNode;
  summary?: ReactNode;
  chart: ReactNode;
  table: ReactNode;
}) {
  const [shown, setShown] = useState(false);
  const tableId = useId();
  const ok = loaded.state === 'ok';
  return (
    <section className="admin-card analytics-panel" aria-labelledby={`${id}-title`} data-report={id}>
      <div className="panel-head">
        <h2 id={`${id}-title`}>{title}</h2>
        {controls}
      </div>
      <div className="panel-body">
        {ok && empty === null ? (
          <>
            {summary}
            {chart}
          </>
        ) : (
          <div className="chart-note">
            {loaded.state === 'not-found' ? (
              <p>Not available: this server does not report {what} yet.</p>
            ) : ok ? (
              <p>{empty}</p>
            ) : (
              <Pending loaded={loaded} what={`${what[0]!.toUpperCase()}${what.slice(1)}`} />
            )}
          </div>
        )}
      </div>
      <div className="actions">
        <button
          type="button"
          className="secondary"
          aria-pressed={shown}
          aria-controls={tableId}
          disabled={!ok || empty !== null}
          onClick={() => setShown(!shown)}
        >
          Show table<span className="visually-hidden"> of {what}</span>
        </button>
        <DownloadCsv path={path} name={file} what={what} disabled={!ok} />
      </div>
      <div id={tableId} className={shown ? 'figures' : 'visually-hidden'}>
        {ok && empty === null && table}
      </div>
    </section>
  );
}

/** One figure per period of the range, 0 for a period the API has no row for (no activity). */
function seriesOf<T extends { period: string }>(periods: string[], items: T[], pick: (b: T) => number): number[] {
  const byPeriod = new Map(items.map((b) => [b.period, b]));
  return periods.map((p) => {
    const bucket = byPeriod.get(p);
    return bucket ? pick(bucket) : 0;
  });
}

const PeriodCell = ({ period, granularity }: { period: string; granularity: Granularity }) => (
  <th scope="row">
    <time dateTime={period}>{formatPeriod(period, granularity)}</time>
  </th>
);

function SalesPanel({ range }: { range: Range }) {
  const path = reportPath('sales', periodQuery(range));
  const loaded = useStaffJson<SalesReport>(path);
  const items = loaded.state === 'ok' ? loaded.data.items : [];
  const money = (amount: number) => formatMoney({ amount, currency: range.currency });
  const periods = periodsOf(range);
  const gross = seriesOf(periods, items, (b) => b.gross);
  const net = seriesOf(periods, items, (b) => b.net);
  const totals = {
    orders: sum(items, (b) => b.orders),
    gross: sum(items, (b) => b.gross),
    refunds: sum(items, (b) => b.refunds),
    canceled: sum(items, (b) => b.canceled),
    net: sum(items, (b) => b.net),
  };
  return (
    <Panel
      id="sales"
      title="Sales over time"
      what="the sales"
      loaded={loaded}
      path={path}
      file={csvName('sales', range)}
      empty={
        items.length === 0
          ? `No sales in ${range.currency} from ${formatDay(range.from)} to ${formatDay(range.to)}.`
          : null
      }
      summary={
        <dl className="analytics-totals">
          <div>
            <dt>Orders</dt>
            <dd>{totals.orders}</dd>
          </div>
          <div>
            <dt>Gross</dt>
            <dd>{money(totals.gross)}</dd>
          </div>
          <div>
            <dt>Net</dt>
            <dd>{money(totals.net)}</dd>
          </div>
        </dl>
      }
      chart={
        <>
          <ChartBox className="chart-fill">
            {(size) => (
              <LineChart
                size={size}
                label={`Line chart of gross and net sales ${PER[range.granularity]} in ${range.currency}; the figures are in the table below.`}
                periods={periods}
                series={[
                  { key: 'gross', label: 'Gross', className: 'series-gross', values: gross },
                  { key: 'net', label: 'Net', className: 'series-net', values: net },
                ]}
                tick={(p) => formatTick(p, range.granularity)}
                format={(v) => formatMoneyShort(v, range.currency)}
                describe={(i) =>
                  `${formatPeriod(periods[i]!, range.granularity)}: gross ${money(gross[i]!)}, net ${money(net[i]!)}`
                }
              />
            )}
          </ChartBox>
          <ul className="legend" aria-hidden="true">
            <li className="series-gross">Gross</li>
            <li className="series-net">Net (less refunds and unpaid cancellations)</li>
          </ul>
        </>
      }
      table={
        <table className="admin-table">
          <caption>
            Sales {PER[range.granularity]} in {range.currency} (periods without orders are left out)
          </caption>
          <thead>
            <tr>
              <th scope="col">Period</th>
              <th scope="col" className="num">
                Orders
              </th>
              <th scope="col" className="num">
                Gross
              </th>
              <th scope="col" className="num">
                Refunds
              </th>
              <th scope="col" className="num">
                Canceled
              </th>
              <th scope="col" className="num">
                Net
              </th>
            </tr>
          </thead>
          <tbody>
            {items.map((b) => (
              <tr key={b.period}>
                <PeriodCell period={b.period} granularity={range.granularity} />
                <td className="num">{b.orders}</td>
                <td className="num">{money(b.gross)}</td>
                <td className="num">{money(b.refunds)}</td>
                <td className="num">{money(b.canceled)}</td>
                <td className="num">{money(b.net)}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">Total</th>
              <td className="num">{totals.orders}</td>
              <td className="num">{money(totals.gross)}</td>
              <td className="num">{money(totals.refunds)}</td>
              <td className="num">{money(totals.canceled)}</td>
              <td className="num">{money(totals.net)}</td>
            </tr>
          </tfoot>
        </table>
      }
    />
  );
}

function ProductsPanel({ range, onBy }: { range: Range; onBy: (by: Range['by']) => void }) {
  const path = reportPath('products', {
    from: range.from,
    to: range.to,
    currency: range.currency,
    by: range.by,
    limit: TOP,
  });
  const loaded = useStaffJson<ProductSalesReport>(path);
  const items = loaded.state === 'ok' ? loaded.data.items : [];
  const money = (amount: number) => formatMoney({ amount, currency: range.currency });
  const byVariant = range.by === 'variant';
  const name = (item: ProductSalesReport['items'][number]) =>
    byVariant
      ? item.title
        ? `${item.title} (${item.sku})`
        : (item.sku ?? 'Unknown')
      : (item.category ?? 'No category');
  return (
    <Panel
      id="products"
      title="Top products"
      what="the top products"
      loaded={loaded}
      path={path}
      file={csvName(byVariant ? 'products' : 'categories', range)}
      controls={
        <div className="field inline">
          <label htmlFor="products-by">By</label>
          <select id="products-by" value={range.by} onChange={(e) => onBy(e.currentTarget.value as Range['by'])}>
            {BREAKDOWNS.map((b) => (
              <option key={b} value={b}>
                {b}
              </option>
            ))}
          </select>
        </div>
      }
      empty={
        items.length === 0
          ? `Nothing sold in ${range.currency} from ${formatDay(range.from)} to ${formatDay(range.to)}.`
          : null
      }
      chart={
        <ChartBox className="chart-fill">
          {(size) => (
            <BarChart
              size={size}
              label={`Bar chart of the ${items.length} best-selling ${byVariant ? 'variants' : 'categories'} by revenue in ${range.currency}, best first; the figures are in the table below.`}
              slots={TOP}
              className="series-revenue"
              items={items.map((item, i) => ({
                key: `${item.sku ?? item.category ?? i}`,
                label: name(item),
                value: item.revenue,
                describe: `${name(item)}: ${money(item.revenue)} from ${item.units} sold`,
              }))}
              format={money}
            />
          )}
        </ChartBox>
      }
      table={
        <table className="admin-table">
          <caption>
            The best-selling {byVariant ? 'variants' : 'categories'} by revenue in {range.currency} (before tax and
            shipping)
          </caption>
          <thead>
            <tr>
              <th scope="col">{byVariant ? 'Product' : 'Category'}</th>
              {byVariant && <th scope="col">SKU</th>}
              <th scope="col" className="num">
                Units
              </th>
              <th scope="col" className="num">
                Revenue
              </th>
              <th scope="col" className="num">
                Refunds
              </th>
              <th scope="col" className="num">
                Net
              </th>
            </tr>
          </thead>
          <tbody>
            {items.map((item, i) => (
              <tr key={item.sku ?? item.category ?? i}>
                <th scope="row">{byVariant ? (item.title ?? 'Unknown') : (item.category ?? 'No category')}</th>
                {byVariant && <td>{item.sku}</td>}
                <td className="num">{item.units}</td>
                <td className="num">{money(item.revenue)}</td>
                <td className="num">{money(item.refunds)}</td>
                <td className="num">{money(item.net)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      }
    />
  );
}

const STEPS = [
  { key: 'cartsOpened', label: 'Carts opened' },
  { key: 'cartsWithItems', label: 'Held an item' },
  { key: 'checkoutsStarted', label: 'Checkout started' },
  { key: 'ordersPlaced', label: 'Order placed' },
  { key: 'ordersPaid', label: 'Paid' },
] as const;

function FunnelPanel({ range }: { range: Range }) {
  const path = reportPath('funnel', periodQuery(range));
  const loaded = useStaffJson<FunnelReport>(path);
  const items = loaded.state === 'ok' ? loaded.data.items : [];
  // The range's cohorts together: each step's carts, and what share of the step before reached it.
  const steps = STEPS.map((s, i) => {
    const count = sum(items, (b) => b[s.key]);
    const before = i === 0 ? null : sum(items, (b) => b[STEPS[i - 1]!.key]);
    return { label: s.label, count, rate: before === null ? null : formatRate(before > 0 ? count / before : null) };
  });
  const opened = steps[0]!.count;
  const overall = formatRate(opened > 0 ? steps.at(-1)!.count / opened : null);
  return (
    <Panel
      id="funnel"
      title="Checkout funnel"
      what="the funnel"
      loaded={loaded}
      path={path}
      file={csvName('funnel', range)}
      empty={
        opened === 0
          ? `No carts opened in ${range.currency} from ${formatDay(range.from)} to ${formatDay(range.to)}.`
          : null
      }
      summary={
        <p className="muted">
          Carts opened in the range, followed to payment: {overall} paid. The CSV has the figures{' '}
          {PER[range.granularity]}.
        </p>
      }
      chart={
        <ChartBox className="chart-fill">
          {(size) => (
            <FunnelChart
              size={size}
              label={`Funnel from ${opened} carts opened to ${steps.at(-1)!.count} paid (${overall}); the figures are in the table below.`}
              steps={steps}
            />
          )}
        </ChartBox>
      }
      table={
        <table className="admin-table">
          <caption>The funnel of the carts opened in the range, in {range.currency}</caption>
          <thead>
            <tr>
              <th scope="col">Step</th>
              <th scope="col" className="num">
                Carts
              </th>
              <th scope="col" className="num">
                Of the step before
              </th>
            </tr>
          </thead>
          <tbody>
            {steps.map((s) => (
              <tr key={s.label}>
                <th scope="row">{s.label}</th>
                <td className="num">{s.count}</td>
                <td className="num">{s.rate ?? '—'}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">Overall</th>
              <td />
              <td className="num">{overall}</td>
            </tr>
          </tfoot>
        </table>
      }
    />
  );
}

function AbandonmentPanel({ range }: { range: Range }) {
  const path = reportPath('abandonment', periodQuery(range));
  const loaded = useStaffJson<AbandonmentReport>(path);
  const items = loaded.state === 'ok' ? loaded.data.items : [];
  const money = (amount: number) => formatMoney({ amount, currency: range.currency });
  const periods = periodsOf(range);
  const carts = seriesOf(periods, items, (b) => b.abandonedCarts);
  const value = seriesOf(periods, items, (b) => b.abandonedValue);
  const totals = {
    withItems: sum(items, (b) => b.cartsWithItems),
    abandoned: sum(items, (b) => b.abandonedCarts),
    value: sum(items, (b) => b.abandonedValue),
  };
  const tick = (p: string) => formatTick(p, range.granularity);
  const when = (i: number) => formatPeriod(periods[i]!, range.granularity);
  return (
    <Panel
      id="abandonment"
      title="Abandoned carts"
      what="the abandoned carts"
      loaded={loaded}
      path={path}
      file={csvName('abandonment', range)}
      empty={
        totals.withItems === 0
          ? `No carts with items in ${range.currency} from ${formatDay(range.from)} to ${formatDay(range.to)}.`
          : null
      }
      summary={
        <p className="muted">
          {totals.abandoned} of {totals.withItems} carts with items abandoned (
          {formatRate(totals.withItems > 0 ? totals.abandoned / totals.withItems : null)}), holding{' '}
          {money(totals.value)}.
        </p>
      }
      chart={
        <div className="chart-pair">
          <p className="chart-caption" aria-hidden="true">
            Carts abandoned
          </p>
          <ChartBox className="chart-fill">
            {(size) => (
              <ColumnChart
                size={size}
                label={`Column chart of abandoned carts ${PER[range.granularity]}; the figures are in the table below.`}
                periods={periods}
                values={carts}
                className="series-abandoned"
                tick={tick}
                format={(v) => (Number.isInteger(v) ? String(v) : '')}
                describe={(i) => `${when(i)}: ${carts[i]} abandoned`}
              />
            )}
          </ChartBox>
          <p className="chart-caption" aria-hidden="true">
            Value left in them
          </p>
          <ChartBox className="chart-fill">
            {(size) => (
              <ColumnChart
                size={size}
                label={`Column chart of the value left in abandoned carts ${PER[range.granularity]} in ${range.currency}; the figures are in the table below.`}
                periods={periods}
                values={value}
                className="series-value"
                tick={tick}
                format={(v) => formatMoneyShort(v, range.currency)}
                describe={(i) => `${when(i)}: ${money(value[i]!)} left in carts`}
              />
            )}
          </ChartBox>
        </div>
      }
      table={
        <table className="admin-table">
          <caption>
            Carts by their last activity, {PER[range.granularity]}, in {range.currency}
          </caption>
          <thead>
            <tr>
              <th scope="col">Period</th>
              <th scope="col" className="num">
                With items
              </th>
              <th scope="col" className="num">
                Abandoned
              </th>
              <th scope="col" className="num">
                Rate
              </th>
              <th scope="col" className="num">
                Value
              </th>
            </tr>
          </thead>
          <tbody>
            {items.map((b) => (
              <tr key={b.period}>
                <PeriodCell period={b.period} granularity={range.granularity} />
                <td className="num">{b.cartsWithItems}</td>
                <td className="num">{b.abandonedCarts}</td>
                <td className="num">{formatRate(b.abandonmentRate)}</td>
                <td className="num">{money(b.abandonedValue)}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">Total</th>
              <td className="num">{totals.withItems}</td>
              <td className="num">{totals.abandoned}</td>
              <td className="num">{formatRate(totals.withItems > 0 ? totals.abandoned / totals.withItems : null)}</td>
              <td className="num">{money(totals.value)}</td>
            </tr>
          </tfoot>
        </table>
      }
    />
  );
}
