'use client';

// The analytics page's charts: SVG drawn with visx's shapes and scales (React elements, so
// nothing is written into the page behind React's back). Sizes come from the stylesheet: a
// chart's box has its height before anything is drawn in it (no layout shift), and the
// chart is drawn to the box's measured width. Colours and type are classes (admin.css): the
// page's Content-Security-Policy allows no style attributes. Each chart is one image to
// assistive technology, named by `label`; its figures are in the table beside it.
import { Group } from '@visx/group';
import { scaleBand, scaleLinear, scalePoint } from '@visx/scale';
import { Bar, LinePath } from '@visx/shape';
import { MARGIN, PeriodAxis, type Size, ValueAxis, valueScale } from './chart-parts';

export type Series = { key: string; label: string; className: string; values: number[] };

/** Lines over periods (gross and net per day, say), on one value axis. */
export function LineChart({
  label,
  periods,
  series,
  tick,
  format,
  describe,
  size,
}: {
  label: string;
  periods: string[];
  series: Series[];
  tick: (period: string) => string;
  format: (value: number) => string;
  /** One period's figures, said when the pointer rests on its point. */
  describe: (index: number) => string;
  size: Size;
}) {
  const width = size.width - MARGIN.left - MARGIN.right;
  const height = size.height - MARGIN.top - MARGIN.bottom;
  const x = scalePoint<string>({ domain: periods, range: [0, width], padding: 0.5 });
  const y = valueScale(
    series.flatMap((s) => s.values),
    [height, 0],
  );
  const at = (p: string) => x(p) ?? 0;
  const dots = periods.length <= 62;
  return (
    <svg width={size.width} height={size.height} role="img" aria-label={label}>
      <Group left={MARGIN.left} top={MARGIN.top}>
        <ValueAxis scale={y} width={width} format={format} />
        <PeriodAxis periods={periods} at={at} top={height} width={width} tick={tick} />
        {series.map((s) => (
          <g key={s.key} className={`series ${s.className}`}>
            <LinePath<number> data={s.values} x={(_, i) => at(periods[i]!)} y={(v) => y(v)} className="line" />
            {dots &&
              s.values.map((v, i) => (
                <circle key={periods[i]} cx={at(periods[i]!)} cy={y(v)} r={3.5} className="dot">
                  <title>{describe(i)}</title>
                </circle>
              ))}
          </g>
        ))}
      </Group>
    </svg>
  );
}

/** Columns over periods (abandoned carts per day, say). */
export function ColumnChart({
  label,
  periods,
  values,
  className,
  tick,
  format,
  describe,
  size,
}: {
  label: string;
  periods: string[];
  values: number[];
  className: string;
  tick: (period: string) => string;
  format: (value: number) => string;
  describe: (index: number) => string;
  size: Size;
}) {
  const width = size.width - MARGIN.left - MARGIN.right;
  const height = size.height - MARGIN.top - MARGIN.bottom;
  const x = scaleBand<string>({ domain: periods, range: [0, width], padding: 0.2 });
  const y = valueScale(values, [height, 0]);
  const at = (p: string) => (x(p) ?? 0) + x.bandwidth() / 2;
  return (
    <svg width={size.width} height={size.height} role="img" aria-label={label}>
      <Group left={MARGIN.left} top={MARGIN.top}>
        <ValueAxis scale={y} width={width} format={format} />
        <PeriodAxis periods={periods} at={at} top={height} width={width} tick={tick} />
        <g className={`series ${className}`}>
          {values.map((v, i) => {
            const top = y(Math.max(0, v));
            return (
              <Bar
                key={periods[i]}
                x={x(periods[i]!) ?? 0}
                y={top}
                width={Math.max(1, x.bandwidth())}
                height={Math.abs(y(0) - y(v))}
                className="bar"
              >
                <title>{describe(i)}</title>
              </Bar>
            );
          })}
        </g>
      </Group>
    </svg>
  );
}

/** Text cut to about `room` pixels at the charts' type size, with an ellipsis when cut. */
const fit = (text: string, room: number) => {
  const chars = Math.max(4, Math.floor(room / 7));
  return text.length <= chars ? text : `${text.slice(0, chars - 1)}…`;
};

export type Ranked = { key: string; label: string; value: number; describe: string };

/**
 * Horizontal bars, largest first (the best sellers by revenue). The bars keep `slots` rows'
 * room whatever the count, so the chart is as tall with three products as with ten.
 */
export function BarChart({
  label,
  items,
  slots,
  className,
  format,
  size,
}: {
  label: string;
  items: Ranked[];
  slots: number;
  className: string;
  format: (value: number) => string;
  size: Size;
}) {
  const labels = Math.min(220, Math.round(size.width * 0.38));
  const values = 84;
  const width = Math.max(10, size.width - labels - values - 8);
  const row = scaleBand<number>({
    domain: Array.from({ length: Math.max(slots, items.length) }, (_, i) => i),
    range: [0, size.height],
    padding: 0.25,
  });
  const x = scaleLinear<number>({ domain: [0, Math.max(1, ...items.map((i) => i.value))], range: [0, width] });
  return (
    <svg width={size.width} height={size.height} role="img" aria-label={label}>
      <g className={`series ${className}`}>
        {items.map((item, i) => {
          const top = row(i) ?? 0;
          const middle = top + row.bandwidth() / 2;
          const length = Math.max(1, x(Math.max(0, item.value)));
          return (
            <g key={item.key}>
              <title>{item.describe}</title>
              <text x={labels - 8} y={middle} dy="0.32em" textAnchor="end" className="label">
                {fit(item.label, labels - 8)}
              </text>
              <Bar x={labels} y={top} width={length} height={row.bandwidth()} className="bar" />
              <text x={labels + length + 6} y={middle} dy="0.32em" className="value">
                {format(item.value)}
              </text>
            </g>
          );
        })}
      </g>
    </svg>
  );
}

export type Step = { label: string; count: number; rate: string | null };

/** A funnel: each step's bar as long as its count, with the conversion from the step before. */
export function FunnelChart({ label, steps, size }: { label: string; steps: Step[]; size: Size }) {
  const row = scaleBand<number>({
    domain: steps.map((_, i) => i),
    range: [0, size.height],
    paddingInner: 0.1,
  });
  const width = size.width - 2;
  const x = scaleLinear<number>({ domain: [0, Math.max(1, ...steps.map((s) => s.count))], range: [0, width] });
  const bar = Math.max(8, row.bandwidth() - 22);
  return (
    <svg width={size.width} height={size.height} role="img" aria-label={label}>
      <g className="series funnel">
        {steps.map((step, i) => {
          const top = row(i) ?? 0;
          return (
            <g key={step.label} transform={`translate(1, ${top})`}>
              <text x={0} y={14} className="label">
                {step.label}
              </text>
              <text x={width} y={14} textAnchor="end" className="value">
                {step.rate ? `${step.count} · ${step.rate} of the step before` : String(step.count)}
              </text>
              <Bar x={0} y={20} width={Math.max(1, x(step.count))} height={bar} className="bar" />
            </g>
          );
        })}
      </g>
    </svg>
  );
}
