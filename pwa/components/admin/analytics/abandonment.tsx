import { formatMoneyShort, formatRate, moneyIn, overPeriods, PER, type Range, totalsOf } from '@/lib/admin/analytics';
import type { AbandonmentReport } from '@/lib/admin/answers';
import { ChartBox } from '../chart-parts';
import { ColumnChart } from '../charts';
import { FiguresTable, PeriodTime } from './figures-table';
import type { Drawn, Report } from './report-panel';

function drawAbandonment(items: AbandonmentReport['items'], range: Range): Drawn {
  const money = moneyIn(range.currency);
  const { periods, series, tick, when } = overPeriods(range, items);
  const carts = series((b) => b.abandonedCarts);
  const value = series((b) => b.abandonedValue);
  const totals = totalsOf(items, ['cartsWithItems', 'abandonedCarts', 'abandonedValue']);
  const rate = formatRate(totals.cartsWithItems > 0 ? totals.abandonedCarts / totals.cartsWithItems : null);
  return {
    nothing: totals.cartsWithItems === 0 ? 'No carts with items' : null,
    summary: (
      <p className="muted">
        {totals.abandonedCarts} of {totals.cartsWithItems} carts with items abandoned ({rate}), holding{' '}
        {money(totals.abandonedValue)}.
      </p>
    ),
    chart: (
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
    ),
    table: (
      <FiguresTable
        caption={`Carts by their last activity, ${PER[range.granularity]}, in ${range.currency}`}
        head="Period"
        rows={items}
        rowKey={(b) => b.period}
        rowHead={(b) => <PeriodTime period={b.period} granularity={range.granularity} />}
        columns={[
          { label: 'With items', num: true, cell: (b) => b.cartsWithItems, total: totals.cartsWithItems },
          { label: 'Abandoned', num: true, cell: (b) => b.abandonedCarts, total: totals.abandonedCarts },
          { label: 'Rate', num: true, cell: (b) => formatRate(b.abandonmentRate), total: rate },
          { label: 'Value', num: true, cell: (b) => money(b.abandonedValue), total: money(totals.abandonedValue) },
        ]}
        foot="Total"
      />
    ),
  };
}

/** Carts that held items and were left, per period of their last activity, and the value left in them. */
export const ABANDONMENT: Report<AbandonmentReport> = {
  id: 'abandonment',
  title: 'Abandoned carts',
  what: 'the abandoned carts',
  name: 'abandonment',
  draw: drawAbandonment,
};
