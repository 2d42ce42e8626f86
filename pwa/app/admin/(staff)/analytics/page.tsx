import type { Metadata } from 'next';
import { Suspense } from 'react';
import { AnalyticsView } from '@/components/admin/analytics-view';
import { shopToday } from '@/lib/admin/analytics';

export const metadata: Metadata = { title: 'Analytics' };

/** The shop's time zone, as the services have it (SHOP_TIME_ZONE): the reports count its days. */
function shopTimeZone(): string {
  const timeZone = process.env.SHOP_TIME_ZONE || 'UTC';
  try {
    shopToday(timeZone);
    return timeZone;
  } catch {
    return 'UTC';
  }
}

export default function AnalyticsPage() {
  const timeZone = shopTimeZone();
  return (
    <Suspense>
      <AnalyticsView today={shopToday(timeZone)} timeZone={timeZone} />
    </Suspense>
  );
}
