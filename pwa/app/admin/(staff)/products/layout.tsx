import { sectionLayout } from '@/lib/server/section';

export default sectionLayout('Catalog');
