'use client';

import type { ShownImage } from '@flowdose/contract/common';
import { IMAGE_TYPES, MAX_IMAGE_BYTES } from '@flowdose/domain/product/media';
import { useRef, useState } from 'react';
import { explain } from './commands';
import { uploadImage } from './upload';

export type Upload = {
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

export const MB = 1024 * 1024;

/** A refusal the browser can tell before sending anything. */
function refusalOf(file: File): string | null {
  if (!(Object.values(IMAGE_TYPES) as string[]).includes(file.type))
    return 'Not a JPEG, PNG, WebP or AVIF image: not sent.';
  if (file.size > MAX_IMAGE_BYTES) return `Larger than ${MAX_IMAGE_BYTES / MB} MB: not sent.`;
  return null;
}

/**
 * A product's uploads, sent one after another so they land in the order chosen, each with
 * its progress; `onStored` has each image the API stored. A file the browser can tell is
 * refused is not sent; one whose answer was lost can be retried with its key.
 */
export function useImageUploads(productId: string, onStored: (image: ShownImage) => void) {
  const [uploads, setUploads] = useState<Upload[]>([]);
  const queue = useRef<Promise<void>>(Promise.resolve());

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
    onStored({ key, alt, width, height, url, srcset, ready });
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
  const uploading = uploads.some((u) => u.state === 'waiting' || u.state === 'sending' || u.state === 'storing');
  return { uploads, enqueue, retry, uploading };
}
