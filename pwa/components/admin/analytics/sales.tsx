import { formatMoneyShort, moneyIn, overPeriods, PER, type Range, totalsOf } from '@/lib/admin/analytics';
import type { SalesReport } from '@/lib/admin/answers';
import { ChartBox } from '../chart-parts';
import { LineChart } from '../charts';
import { FiguresTable, PeriodTime } from './figures-table';
import type { Drawn, Report } from './report-panel';

function drawSales(items: SalesReport['items'], range: Range): Drawn {
  const money = moneyIn(range.currency);
  const { periods, series, tick, when } = overPeriods(range, items);
  const gross = series((b) => b.gross);
  const net = series((b) => b.net);
  const totals = totalsOf(items, ['orders', 'gross', 'refunds', 'canceled', 'net']);
  return {
    nothing: items.length === 0 ? 'No sales' : null,
    summary: (
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
    ),
    chart: (
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
              tick={tick}
              format={(v) => formatMoneyShort(v, range.currency)}
              describe={(i) => `${when(i)}: gross ${money(gross[i]!)}, net ${money(net[i]!)}`}
            />
          )}
        </ChartBox>
        <ul className="legend" aria-hidden="true">
          <li className="series-gross">Gross</li>
          <li className="series-net">Net (less refunds and unpaid cancellations)</li>
        </ul>
      </>
    ),
    table: (
      <FiguresTable
        caption={`Sales ${PER[range.granularity]} in ${range.currency} (periods without orders are left out)`}
        head="Period"
        rows={items}
        rowKey={(b) => b.period}
        rowHead={(b) => <PeriodTime period={b.period} granularity={range.granularity} />}
        columns={[
          { label: 'Orders', num: true, cell: (b) => b.orders, total: totals.orders },
          { label: 'Gross', num: true, cell: (b) => money(b.gross), total: money(totals.gross) },
          { label: 'Refunds', num: true, cell: (b) => money(b.refunds), total: money(totals.refunds) },
          { label: 'Canceled', num: true, cell: (b) => money(b.canceled), total: money(totals.canceled) },
          { label: 'Net', num: true, cell: (b) => money(b.net), total: money(totals.net) },
        ]}
        foot="Total"
      />
    ),
  };
}

/** Gross and net sales per period, as lines. */
export const SALES: Report<SalesReport> = {
  id: 'sales',
  title: 'Sales over time',
  what: 'the sales',
  name: 'sales',
  draw: drawSales,
};
