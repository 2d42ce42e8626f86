import type { Metadata } from 'next';
import { ProjectionsView } from '@/components/admin/projections-view';

export const metadata: Metadata = { title: 'Projections' };

export default function ProjectionsPage() {
  return <ProjectionsView />;
}
