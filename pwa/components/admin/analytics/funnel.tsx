import { formatRate, PER, type Range, sum } from '@/lib/admin/analytics';
import type { FunnelReport } from '@/lib/admin/answers';
import { ChartBox } from '../chart-parts';
import { FunnelChart } from '../charts';
import { FiguresTable } from './figures-table';
import type { Drawn, Report } from './report-panel';

const STEPS = [
  { key: 'cartsOpened', label: 'Carts opened' },
  { key: 'cartsWithItems', label: 'Held an item' },
  { key: 'checkoutsStarted', label: 'Checkout started' },
  { key: 'ordersPlaced', label: 'Order placed' },
  { key: 'ordersPaid', label: 'Paid' },
] as const;

function drawFunnel(items: FunnelReport['items'], range: Range): Drawn {
  // The range's cohorts together: each step's carts, and what share of the step before reached it.
  const steps = STEPS.map((s, i) => {
    const count = sum(items, (b) => b[s.key]);
    const before = i === 0 ? null : sum(items, (b) => b[STEPS[i - 1]!.key]);
    return { label: s.label, count, rate: before === null ? null : formatRate(before > 0 ? count / before : null) };
  });
  const opened = steps[0]!.count;
  const paid = steps.at(-1)!.count;
  const overall = formatRate(opened > 0 ? paid / opened : null);
  return {
    nothing: opened === 0 ? 'No carts opened' : null,
    summary: (
      <p className="muted">
        Carts opened in the range, followed to payment: {overall} paid. The CSV has the figures {PER[range.granularity]}
        .
      </p>
    ),
    chart: (
      <ChartBox className="chart-fill">
        {(size) => (
          <FunnelChart
            size={size}
            label={`Funnel from ${opened} carts opened to ${paid} paid (${overall}); the figures are in the table below.`}
            steps={steps}
          />
        )}
      </ChartBox>
    ),
    table: (
      <FiguresTable
        caption={`The funnel of the carts opened in the range, in ${range.currency}`}
        head="Step"
        rows={steps}
        rowKey={(s) => s.label}
        rowHead={(s) => s.label}
        columns={[
          { label: 'Carts', num: true, cell: (s) => s.count },
          { label: 'Of the step before', num: true, cell: (s) => s.rate ?? '—', total: overall },
        ]}
        foot="Overall"
      />
    ),
  };
}

/** The carts opened in the range, followed step by step to payment. */
export const FUNNEL: Report<FunnelReport> = {
  id: 'funnel',
  title: 'Checkout funnel',
  what: 'the funnel',
  name: 'funnel',
  draw: drawFunnel,
};
