'use client';

import type { ShownImage } from '@flowdose/contract/common';
import { useCallback, useEffect, useState } from 'react';
import { useSaving } from '@/lib/admin/commands';
import { useImageUploads } from '@/lib/admin/use-image-uploads';
import { useReadyImages } from '@/lib/admin/use-ready-images';
import { ImageItem } from './image-item';
import { DropZone, UploadList } from './image-uploads';
import { SaidLine } from './said';

/**
 * A product's images in the back office: upload (a file picker, or files dropped on the
 * zone) with a progress bar each, sent one after another so they land in the order chosen;
 * then alt text, order, cover (the first) and removal, each one PUT of the whole list with its
 * own Idempotency-Key. Order and removal wait while uploads are under way: the list a PUT
 * sends would not name an image still arriving, and would remove it.
 */
export function ImageManager({
  productId,
  initial,
  editable,
}: {
  productId: string;
  initial: ShownImage[];
  editable: boolean;
}) {
  const { save, busy, said } = useSaving();
  const [images, setImages] = useState(initial);
  const [focusAfter, setFocusAfter] = useState<string | null>(null);
  // 200: the product had this very file already; it stays where it is.
  const stored = useCallback(
    (image: ShownImage) => setImages((is) => (is.some((i) => i.key === image.key) ? is : [...is, image])),
    [],
  );
  const { uploads, enqueue, retry, uploading } = useImageUploads(productId, stored);
  useReadyImages(productId, images, setImages);
  const path = `/admin/products/${encodeURIComponent(productId)}/images`;

  // A moved image's button keeps the focus in its new place (or its other one, at an end); after
  // a deletion the next image's Delete has it.
  useEffect(() => {
    if (!focusAfter) return;
    const [key, which] = focusAfter.split('|');
    const buttons = document.querySelectorAll<HTMLButtonElement>(`[data-image="${key}"] button[data-move]`);
    const wanted =
      [...buttons].find((b) => b.dataset.move === which && !b.disabled) ?? [...buttons].find((b) => !b.disabled);
    wanted?.focus();
    setFocusAfter(null);
  }, [focusAfter]);

  async function put(next: ShownImage[], done: string) {
    const sent = await save(
      `images:${JSON.stringify(next.map((i) => [i.key, i.alt]))}`,
      'PUT',
      path,
      { images: next.map(({ key, alt }) => ({ key, alt })) },
      done,
    );
    if (sent?.ok) setImages(next);
    return sent?.ok ?? false;
  }
  const move = async (index: number, by: -1 | 1) => {
    const next = [...images];
    const [moved] = next.splice(index, 1);
    if (!moved) return;
    next.splice(index + by, 0, moved);
    const where = index + by === 0 ? 'now the cover' : `now image ${index + by + 1} of ${next.length}`;
    if (await put(next, `Moved ${by < 0 ? 'up' : 'down'}: ${where}.`))
      setFocusAfter(`${moved.key}|${by < 0 ? 'up' : 'down'}`);
  };
  const makeCover = async (index: number) => {
    const chosen = images[index];
    if (!chosen) return;
    if (await put([chosen, ...images.filter((_, i) => i !== index)], 'Made the cover.'))
      setFocusAfter(`${chosen.key}|down`);
  };
  const remove = async (index: number) => {
    const neighbour = images[index + 1] ?? images[index - 1];
    if (
      (await put(
        images.filter((_, i) => i !== index),
        `Image ${index + 1} deleted.`,
      )) &&
      neighbour
    )
      setFocusAfter(`${neighbour.key}|delete`);
  };
  const saveAlt = (index: number, alt: string) =>
    put(
      images.map((image, i) => (i === index ? { ...image, alt } : image)),
      `Alt text of image ${index + 1} saved.`,
    );

  return (
    <section className="admin-card" aria-labelledby="images-title">
      <h2 id="images-title">Images</h2>
      <p className="muted">
        The first is the cover, on the product's card and page. The shop shows each one once its sizes are made.
      </p>
      <SaidLine said={said} />
      {editable && <DropZone onFiles={enqueue} />}
      <UploadList uploads={uploads} onRetry={retry} />
      {images.length === 0 ? (
        <p className="muted">No images yet: the shop shows the product's initials.</p>
      ) : (
        <ol className="image-list">
          {images.map((image, i) => (
            <ImageItem
              key={image.key}
              image={image}
              index={i}
              count={images.length}
              editable={editable}
              locked={busy || uploading}
              onAlt={(alt) => void saveAlt(i, alt)}
              onMove={(by) => void move(i, by)}
              onCover={() => void makeCover(i)}
              onDelete={() => void remove(i)}
            />
          ))}
        </ol>
      )}
    </section>
  );
}
