'use client';

// What the analytics charts (charts.tsx) stand on: the measured box, the value scale and the
// two axes.
import { scaleLinear } from '@visx/scale';
import { type ReactNode, useLayoutEffect, useRef, useState } from 'react';

export type Size = { width: number; height: number };

/** A box sized by its class; its children draw once the box has been measured, and again when it resizes. */
export function ChartBox({ className, children }: { className: string; children: (size: Size) => ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);
  const [size, setSize] = useState<Size | null>(null);
  useLayoutEffect(() => {
    const box = ref.current;
    if (!box) return;
    const measure = () => {
      const width = Math.floor(box.clientWidth);
      const height = Math.floor(box.clientHeight);
      setSize((was) => (was && was.width === width && was.height === height ? was : { width, height }));
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(box);
    return () => observer.disconnect();
  }, []);
  return (
    <div ref={ref} className={`chart ${className}`}>
      {size && size.width > 0 && size.height > 0 && children(size)}
    </div>
  );
}

export const MARGIN = { top: 12, right: 16, bottom: 28, left: 64 };

/** As many value ticks as the height has room for: one every 45 px or so, two to five. */
const tickCount = (height: number) => Math.max(2, Math.min(5, Math.floor(height / 45)));

/** A value axis's scale: zero always in view, niced to the ticks the axis draws (the top line is a labelled one). */
export function valueScale(values: number[], range: [number, number]) {
  const low = Math.min(0, ...values);
  const high = Math.max(0, ...values);
  const ticks = tickCount(Math.abs(range[0] - range[1]));
  return Object.assign(scaleLinear<number>({ domain: [low, high === low ? low + 1 : high], range, nice: ticks }), {
    count: ticks,
  });
}

/** Every k-th label, so labels never run into each other. */
const everyNth = (count: number, room: number, each: number) =>
  Math.max(1, Math.ceil(count / Math.max(1, room / each)));

export function ValueAxis({
  scale,
  width,
  format,
}: {
  scale: ReturnType<typeof valueScale>;
  width: number;
  format: (value: number) => string;
}) {
  return (
    <g className="axis value-axis">
      {/* A tick the format has no words for (half a cart) is left out, line and all. */}
      {scale
        .ticks(scale.count)
        .filter((tick) => format(tick) !== '')
        .map((tick) => (
          <g key={tick} transform={`translate(0, ${scale(tick)})`}>
            <line x1={0} x2={width} className={tick === 0 ? 'zero' : 'grid'} />
            <text x={-8} dy="0.32em" textAnchor="end">
              {format(tick)}
            </text>
          </g>
        ))}
    </g>
  );
}

export function PeriodAxis({
  periods,
  at,
  top,
  width,
  tick,
}: {
  periods: string[];
  at: (period: string) => number;
  top: number;
  width: number;
  tick: (period: string) => string;
}) {
  const step = everyNth(periods.length, width, 64);
  return (
    <g className="axis period-axis" transform={`translate(0, ${top})`}>
      {periods.map((p, i) =>
        i % step === 0 ? (
          <text key={p} x={at(p)} y={18} textAnchor="middle">
            {tick(p)}
          </text>
        ) : null,
      )}
    </g>
  );
}
