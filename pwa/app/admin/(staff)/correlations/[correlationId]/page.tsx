import type { Metadata } from 'next';
import { CorrelationView } from '@/components/admin/correlation-view';

export const metadata: Metadata = { title: 'Request' };

export default async function CorrelationPage({ params }: { params: Promise<{ correlationId: string }> }) {
  const { correlationId } = await params;
  return <CorrelationView correlationId={correlationId} />;
}
