'use client';

import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { type Range, rangeFrom, rangeSearch } from '@/lib/admin/analytics';
import { ABANDONMENT } from './analytics/abandonment';
import { FUNNEL } from './analytics/funnel';
import { BreakdownField, PRODUCTS } from './analytics/products';
import { RangeForm } from './analytics/range-form';
import { ReportPanel } from './analytics/report-panel';
import { SALES } from './analytics/sales';

/**
 * Sales, best sellers, the checkout funnel and abandoned carts over a range of shop days, in
 * one currency at a time (money is never added across currencies). The range is the
 * address's query; each report is one ReportPanel that reads it, draws it, and has its
 * figures as a table and as a CSV file.
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
          <ReportPanel report={SALES} range={range} />
          <ReportPanel
            report={PRODUCTS}
            range={range}
            controls={<BreakdownField by={range.by} onBy={(by) => go({ ...range, by })} />}
          />
          <ReportPanel report={FUNNEL} range={range} />
          <ReportPanel report={ABANDONMENT} range={range} />
        </div>
      )}
    </>
  );
}
