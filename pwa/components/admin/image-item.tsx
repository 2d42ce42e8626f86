'use client';

import type { ShownImage } from '@flowdose/contract/common';
import type { FormEvent } from 'react';

/**
 * One of a product's images: its thumbnail, its alt text to edit, and (for an editor) the
 * buttons that move, promote and delete it. `locked` while another change or an upload is
 * under way.
 */
export function ImageItem({
  image,
  index: i,
  count,
  editable,
  locked,
  onAlt,
  onMove,
  onCover,
  onDelete,
}: {
  image: ShownImage;
  index: number;
  count: number;
  editable: boolean;
  locked: boolean;
  onAlt: (alt: string) => void;
  onMove: (by: -1 | 1) => void;
  onCover: () => void;
  onDelete: () => void;
}) {
  const saveAlt = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    onAlt(String(new FormData(event.currentTarget).get('alt') ?? '').trim());
  };
  return (
    <li data-image={image.key}>
      <Thumbnail image={image} />
      <div className="stack">
        <p>
          <strong>Image {i + 1}</strong> {i === 0 && <span className="badge">Cover</span>}{' '}
          {!image.ready && image.url && <span className="muted">Making its sizes…</span>}
        </p>
        <form className="alt-form" onSubmit={saveAlt} aria-label={`Alt text of image ${i + 1}`}>
          <label>
            Alt text (what it shows, for those who cannot see it)
            <input name="alt" defaultValue={image.alt} maxLength={200} disabled={!editable} />
          </label>
          {editable && (
            <button type="submit" className="secondary" disabled={locked}>
              Save alt text
            </button>
          )}
        </form>
        {editable && (
          <div className="actions">
            <button type="button" data-move="up" disabled={locked || i === 0} onClick={() => onMove(-1)}>
              Move up<span className="visually-hidden"> image {i + 1}</span>
            </button>
            <button type="button" data-move="down" disabled={locked || i === count - 1} onClick={() => onMove(1)}>
              Move down<span className="visually-hidden"> image {i + 1}</span>
            </button>
            <button type="button" className="secondary" disabled={locked || i === 0} onClick={onCover}>
              Make cover<span className="visually-hidden"> image {i + 1}</span>
            </button>
            <button type="button" className="danger" data-move="delete" disabled={locked} onClick={onDelete}>
              Delete<span className="visually-hidden"> image {i + 1}</span>
            </button>
          </div>
        )}
      </div>
    </li>
  );
}

/** A small copy: the 160 px rendition once made, the original until then (it exists at once). */
function Thumbnail({ image }: { image: ShownImage }) {
  const src = image.ready ? image.srcset?.webp.split(' ')[0] : image.url;
  if (!src) return <div className="thumb" aria-hidden="true" />;
  // Already a rendition (or, for seconds, the original): next/image's optimiser would only encode it again.
  return (
    // biome-ignore lint/performance/noImgElement: see above.
    <img
      className="thumb"
      src={src}
      alt={image.alt}
      width={image.width ?? undefined}
      height={image.height ?? undefined}
    />
  );
}
