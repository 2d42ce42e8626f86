import type { ListPager } from '@/lib/admin/use-list-page';

/** Newer / Older for a keyset-paged list (newer is the browser's Back: a cursor only goes one way). */
export function Pager({ paged, next, onBack, onOlder }: ListPager) {
  if (!paged && !next) return null;
  return (
    <nav className="pager" aria-label="Pages">
      {paged && (
        <button type="button" className="secondary" onClick={onBack}>
          Previous page
        </button>
      )}
      {next && (
        <button type="button" onClick={() => onOlder(next)}>
          Next page
        </button>
      )}
    </nav>
  );
}
