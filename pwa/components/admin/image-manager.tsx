'use client';

import type { ShownImage } from '@flowdose/domain/contract/common';
import { IMAGE_TYPES, MAX_IMAGE_BYTES } from '@flowdose/domain/product/media';
import { type DragEvent, type FormEvent, useEffect, useRef, useState } from 'react';
import { explain, useOneAtATime } from '@/lib/admin/commands';
import { useStaff } from '@/lib/admin/staff';
import { uploadImage } from '@/lib/admin/upload';

type Upload = {
  id: string;
  file: File;
  /** The upload's Idempotency-Key: kept for a retry while its answer never came. */
  key: string;
  sent: number;
  total: number;
  state: 'waiting' | 'sending' | 'storing' | 'done' | 'failed';
  error?: string;
  /** Whether sending it again may help (the answer was lost), rather than being refused again. */
  retry?: boolean;
};

const ACCEPT = Object.values(IMAGE_TYPES).join(',');
const MB = 1024 * 1024;
// While an image's renditions are being made, its readiness is read again this often, this many times.
const READY_POLL_MS = 2000;
const READY_POLLS = 30;

const percent = (u: Upload) => (u.total > 0 ? Math.round((u.sent / u.total) * 100) : 0);
const stateText = (u: Upload) =>
  ({
    waiting: 'Waiting',
    sending: `${percent(u)} % sent`,
    storing: 'Sent; storing…',
    done: 'Uploaded',
    failed: u.error ?? 'Failed',
  })[u.state];

/** A refusal the browser can tell before sending anything. */
function refusalOf(file: File): string | null {
  if (!(Object.values(IMAGE_TYPES) as string[]).includes(file.type))
    return 'Not a JPEG, PNG, WebP or AVIF image: not sent.';
  if (file.size > MAX_IMAGE_BYTES) return `Larger than ${MAX_IMAGE_BYTES / MB} MB: not sent.`;
  return null;
}

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
  const { call } = useStaff();
  const { run, busy } = useOneAtATime();
  const [images, setImages] = useState(initial);
  const [uploads, setUploads] = useState<Upload[]>([]);
  const [said, setSaid] = useState<{ ok: boolean; text: string } | null>(null);
  const [over, setOver] = useState(false);
  const [focusAfter, setFocusAfter] = useState<string | null>(null);
  const queue = useRef<Promise<void>>(Promise.resolve());
  const path = `/admin/products/${encodeURIComponent(productId)}/images`;
  const uploading = uploads.some((u) => u.state === 'waiting' || u.state === 'sending' || u.state === 'storing');

  const change = (id: string, patch: Partial<Upload>) =>
    setUploads((us) => us.map((u) => (u.id === id ? { ...u, ...patch } : u)));

  const send = async (upload: Upload) => {
    change(upload.id, { state: 'sending', sent: 0, total: upload.file.size });
    const result = await uploadImage({
      productId,
      file: upload.file,
      alt: '',
      key: upload.key,
      onProgress: (sent, total) =>
        change(upload.id, sent < total ? { sent, total } : { sent, total, state: 'storing' }),
    });
    if (!result.ok) {
      change(upload.id, { state: 'failed', error: explain(result.problem), retry: !result.answered });
      return;
    }
    const { key, alt, width, height, url, srcset, ready } = result.answer.image;
    change(upload.id, { state: 'done', sent: upload.file.size });
    // 200: the product had this very file already; it stays where it is.
    setImages((is) => (is.some((i) => i.key === key) ? is : [...is, { key, alt, width, height, url, srcset, ready }]));
  };

  const enqueue = (files: Iterable<File>) => {
    const added: Upload[] = [];
    for (const file of files) {
      const refused = refusalOf(file);
      added.push({
        id: crypto.randomUUID(),
        file,
        key: crypto.randomUUID(),
        sent: 0,
        total: file.size,
        state: refused ? 'failed' : 'waiting',
        ...(refused ? { error: refused, retry: false } : {}),
      });
    }
    setUploads((us) => [...us, ...added]);
    for (const upload of added) if (upload.state === 'waiting') queue.current = queue.current.then(() => send(upload));
  };
  const retry = (upload: Upload) => {
    change(upload.id, { state: 'waiting', error: undefined });
    queue.current = queue.current.then(() => send(upload));
  };

  // Renditions take seconds: read again until each image says it is ready.
  const pending = images.some((i) => !i.ready && i.url);
  useEffect(() => {
    if (!pending) return;
    let polls = 0;
    const timer = setInterval(async () => {
      if (++polls > READY_POLLS) return clearInterval(timer);
      const res = await call(`/queries/admin/products/${encodeURIComponent(productId)}`).catch(() => null);
      if (!res?.ok) return;
      const { images: now } = (await res.json()) as { images: ShownImage[] };
      const ready = new Set(now.filter((i) => i.ready).map((i) => i.key));
      setImages((is) => is.map((i) => (!i.ready && ready.has(i.key) ? { ...i, ready: true } : i)));
    }, READY_POLL_MS);
    return () => clearInterval(timer);
  }, [pending, call, productId]);

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
    const sent = await run(`images:${JSON.stringify(next.map((i) => [i.key, i.alt]))}`, 'PUT', path, {
      images: next.map(({ key, alt }) => ({ key, alt })),
    });
    if (!sent) return false;
    setSaid(sent.ok ? { ok: true, text: done } : { ok: false, text: explain(sent.problem) });
    if (sent.ok) setImages(next);
    return sent.ok;
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
  const saveAlt = (index: number) => async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const alt = String(new FormData(event.currentTarget).get('alt') ?? '').trim();
    await put(
      images.map((image, i) => (i === index ? { ...image, alt } : image)),
      `Alt text of image ${index + 1} saved.`,
    );
  };

  const drop = (event: DragEvent<HTMLDivElement>) => {
    event.preventDefault();
    setOver(false);
    enqueue(event.dataTransfer.files);
  };
  const locked = busy || uploading;

  return (
    <section className="admin-card" aria-labelledby="images-title">
      <h2 id="images-title">Images</h2>
      <p className="muted">
        The first is the cover, on the product's card and page. The shop shows each one once its sizes are made.
      </p>
      {said && (
        <p role={said.ok ? 'status' : 'alert'} className={said.ok ? 'ok' : 'error'}>
          {said.text}
        </p>
      )}
      {editable && (
        // Dropping is a shortcut for the file picker inside, which the keyboard reaches.
        // biome-ignore lint/a11y/noStaticElementInteractions: the zone's input is the accessible way in.
        <div
          className={over ? 'dropzone over' : 'dropzone'}
          onDragOver={(e) => {
            e.preventDefault();
            setOver(true);
          }}
          onDragLeave={() => setOver(false)}
          onDrop={drop}
        >
          <label>
            Add images (JPEG, PNG, WebP or AVIF, at most {MAX_IMAGE_BYTES / MB} MB each), or drop them here
            <input
              type="file"
              multiple
              accept={ACCEPT}
              onChange={(e) => {
                if (e.currentTarget.files) enqueue(e.currentTarget.files);
                e.currentTarget.value = '';
              }}
            />
          </label>
        </div>
      )}
      {uploads.length > 0 && (
        <ul className="uploads" aria-label="Uploads">
          {uploads.map((u) => (
            <li key={u.id}>
              <span className="upload-name">{u.file.name}</span>
              <progress
                max={u.total || 1}
                value={u.state === 'done' ? u.total || 1 : u.sent}
                aria-label={`Upload of ${u.file.name}`}
              />
              <span className={u.state === 'failed' ? 'error' : u.state === 'done' ? 'ok' : undefined} role="status">
                {stateText(u)}
              </span>
              {u.state === 'failed' && u.retry && (
                <button type="button" className="secondary" onClick={() => retry(u)}>
                  Retry {u.file.name}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {images.length === 0 ? (
        <p className="muted">No images yet: the shop shows the product's initials.</p>
      ) : (
        <ol className="image-list">
          {images.map((image, i) => (
            <li key={image.key} data-image={image.key}>
              <Thumbnail image={image} />
              <div className="stack">
                <p>
                  <strong>Image {i + 1}</strong> {i === 0 && <span className="badge">Cover</span>}{' '}
                  {!image.ready && image.url && <span className="muted">Making its sizes…</span>}
                </p>
                <form className="alt-form" onSubmit={saveAlt(i)} aria-label={`Alt text of image ${i + 1}`}>
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
                    <button type="button" data-move="up" disabled={locked || i === 0} onClick={() => void move(i, -1)}>
                      Move up<span className="visually-hidden"> image {i + 1}</span>
                    </button>
                    <button
                      type="button"
                      data-move="down"
                      disabled={locked || i === images.length - 1}
                      onClick={() => void move(i, 1)}
                    >
                      Move down<span className="visually-hidden"> image {i + 1}</span>
                    </button>
                    <button
                      type="button"
                      className="secondary"
                      disabled={locked || i === 0}
                      onClick={() => void makeCover(i)}
                    >
                      Make cover<span className="visually-hidden"> image {i + 1}</span>
                    </button>
                    <button
                      type="button"
                      className="danger"
                      data-move="delete"
                      disabled={locked}
                      onClick={() => void remove(i)}
                    >
                      Delete<span className="visually-hidden"> image {i + 1}</span>
                    </button>
                  </div>
                )}
              </div>
            </li>
          ))}
        </ol>
      )}
    </section>
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
