'use client';

import type { AdminProduct } from '@/lib/admin/answers';
import type { Saving } from '@/lib/admin/commands';

type Status = AdminProduct['status'];
type Move = 'publish' | 'unpublish' | 'archive';

const AFTER: Record<Move, { status: Status; said: string }> = {
  publish: { status: 'published', said: 'Published.' },
  unpublish: { status: 'draft', said: 'Unpublished.' },
  archive: { status: 'archived', said: 'Archived.' },
};

/** Publish, unpublish and archive, each shown where it applies to the product's status. */
export function ProductLifecycle({
  productId,
  status,
  onStatus,
  saving: { save, busy },
}: {
  productId: string;
  status: Status;
  onStatus: (status: Status) => void;
  saving: Saving;
}) {
  async function move(action: Move) {
    const sent = await save(
      action,
      'POST',
      `/admin/products/${encodeURIComponent(productId)}/${action}`,
      {},
      AFTER[action].said,
    );
    if (sent?.ok) onStatus(AFTER[action].status);
  }
  return (
    <div className="actions">
      {status !== 'published' && (
        <button type="button" onClick={() => void move('publish')} disabled={busy}>
          Publish
        </button>
      )}
      {status === 'published' && (
        <button type="button" className="secondary" onClick={() => void move('unpublish')} disabled={busy}>
          Unpublish
        </button>
      )}
      {status !== 'archived' && (
        <button type="button" className="danger" onClick={() => void move('archive')} disabled={busy}>
          Archive
        </button>
      )}
    </div>
  );
}
