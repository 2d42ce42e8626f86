import type { Metadata } from 'next';
import { Suspense } from 'react';
import { AnalyticsView } from '@/components/admin/analytics-view';
import { shopToday } from '@/lib/admin/analytics';
import { serverEnv } from '@/lib/env';

export const metadata: Metadata = { title: 'Analytics' };

export default function AnalyticsPage() {
  // The shop's time zone, as the services have it: the reports count its days.
  const timeZone = serverEnv.SHOP_TIME_ZONE;
  return (
    <Suspense>
      <AnalyticsView today={shopToday(timeZone)} timeZone={timeZone} />
    </Suspense>
  );
}
