import { explain } from '@/lib/admin/commands';
import type { Loaded } from '@/lib/admin/use-staff-json';

/** What a page shows while its answer is on the way, or when it could not be read; nothing once it is there. */
export function Pending({ loaded, what }: { loaded: Loaded<unknown>; what: string }) {
  if (loaded.state === 'loading') return <p className="muted">Loading…</p>;
  if (loaded.state !== 'failed') return null;
  return (
    <p role="alert" className="error">
      {what} could not be read: {explain(loaded.problem)}
    </p>
  );
}
