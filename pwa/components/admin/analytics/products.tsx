import { BREAKDOWNS, type Breakdown, moneyIn, type Range } from '@/lib/admin/analytics';
import type { ProductSalesReport } from '@/lib/admin/answers';
import { ChartBox } from '../chart-parts';
import { BarChart } from '../charts';
import { type Column, FiguresTable } from './figures-table';
import type { Drawn, Report } from './report-panel';

const TOP = 10;
type Item = ProductSalesReport['items'][number];

function drawProducts(items: Item[], range: Range): Drawn {
  const money = moneyIn(range.currency);
  const byVariant = range.by === 'variant';
  const kind = byVariant ? 'variants' : 'categories';
  const name = (item: Item) =>
    byVariant
      ? item.title
        ? `${item.title} (${item.sku})`
        : (item.sku ?? 'Unknown')
      : (item.category ?? 'No category');
  const sku: Column<Item>[] = byVariant ? [{ label: 'SKU', cell: (item) => item.sku }] : [];
  return {
    nothing: items.length === 0 ? 'Nothing sold' : null,
    chart: (
      <ChartBox className="chart-fill">
        {(size) => (
          <BarChart
            size={size}
            label={`Bar chart of the ${items.length} best-selling ${kind} by revenue in ${range.currency}, best first; the figures are in the table below.`}
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
    ),
    table: (
      <FiguresTable
        caption={`The best-selling ${kind} by revenue in ${range.currency} (before tax and shipping)`}
        head={byVariant ? 'Product' : 'Category'}
        rows={items}
        rowKey={(item, i) => item.sku ?? item.category ?? i}
        rowHead={(item) => (byVariant ? (item.title ?? 'Unknown') : (item.category ?? 'No category'))}
        columns={[
          ...sku,
          { label: 'Units', num: true, cell: (item) => item.units },
          { label: 'Revenue', num: true, cell: (item) => money(item.revenue) },
          { label: 'Refunds', num: true, cell: (item) => money(item.refunds) },
          { label: 'Net', num: true, cell: (item) => money(item.net) },
        ]}
      />
    ),
  };
}

/** The best sellers by revenue, per variant or rolled up per category. */
export const PRODUCTS: Report<ProductSalesReport> = {
  id: 'products',
  title: 'Top products',
  what: 'the top products',
  name: 'products',
  query: (range) => ({ from: range.from, to: range.to, currency: range.currency, by: range.by, limit: TOP }),
  file: (range) => (range.by === 'variant' ? 'products' : 'categories'),
  draw: drawProducts,
};

/** The top products' breakdown: per variant or per category. */
export function BreakdownField({ by, onBy }: { by: Breakdown; onBy: (by: Breakdown) => void }) {
  return (
    <div className="field inline">
      <label htmlFor="products-by">By</label>
      <select id="products-by" value={by} onChange={(e) => onBy(e.currentTarget.value as Breakdown)}>
        {BREAKDOWNS.map((b) => (
          <option key={b} value={b}>
            {b}
          </option>
        ))}
      </select>
    </div>
  );
}
