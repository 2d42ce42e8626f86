'use client';

import type { ShownImage } from '@flowdose/contract/common';
import { type Dispatch, type SetStateAction, useEffect } from 'react';
import { useStaff } from './staff';

// While an image's renditions are being made, its readiness is read again this often, this many times.
const READY_POLL_MS = 2000;
const READY_POLLS = 30;

/** Renditions take seconds: reads the product again until each of its images says it is ready. */
export function useReadyImages(
  productId: string,
  images: ShownImage[],
  setImages: Dispatch<SetStateAction<ShownImage[]>>,
) {
  const { call } = useStaff();
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
  }, [pending, call, productId, setImages]);
}
