'use client';

import type { ImageUploadedAnswer } from '@flowdose/contract/command-api';
import { STAFF_HEADERS } from './staff';
import type { Problem } from './use-staff-json';

export type UploadResult =
  | { ok: true; status: number; answer: ImageUploadedAnswer }
  | { ok: false; problem: Problem; answered: boolean; status: number };

/**
 * Sends one image to the command API through the back office's forwarder, reporting the bytes
 * sent as they go: fetch() cannot tell upload progress, XMLHttpRequest can. The forwarder
 * holds the body until it is whole (it sends it again after a token refresh), so 100 % sent
 * means "received by the back office"; the API's answer follows once it has stored the image.
 * `key` is the upload's Idempotency-Key: a retry after a lost answer records the image once.
 */
export function uploadImage({
  productId,
  file,
  alt,
  key,
  onProgress,
}: {
  productId: string;
  file: File;
  alt: string;
  key: string;
  onProgress: (sent: number, total: number) => void;
}): Promise<UploadResult> {
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/admin/api/commands/admin/products/${encodeURIComponent(productId)}/images`);
    for (const [name, value] of Object.entries(STAFF_HEADERS)) xhr.setRequestHeader(name, value);
    xhr.setRequestHeader('idempotency-key', key);
    xhr.responseType = 'json';
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded, event.total);
    };
    xhr.onload = () => {
      const body = xhr.response as (ImageUploadedAnswer & Problem) | null;
      if (xhr.status >= 200 && xhr.status < 300 && body) resolve({ ok: true, status: xhr.status, answer: body });
      else
        resolve({
          ok: false,
          status: xhr.status,
          problem: body ?? { status: xhr.status, title: xhr.statusText || `HTTP ${xhr.status}` },
          // A 5xx may have stored it: the same key sent again finds out.
          answered: xhr.status < 500,
        });
    };
    const lost = () =>
      resolve({
        ok: false,
        status: 0,
        problem: { title: 'The network failed: the image may or may not have been added. Retry: it is added once.' },
        answered: false,
      });
    xhr.onerror = lost;
    xhr.ontimeout = lost;
    const form = new FormData();
    form.set('file', file);
    form.set('alt', alt);
    xhr.send(form);
  });
}
