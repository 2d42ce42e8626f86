import type { ShownImage } from '@flowdose/contract/common';
import type { ImageRef } from '@flowdose/domain/product/events';
import { imageView, mediaHashOf } from '@flowdose/domain/product/media';
import { renditionsReady } from '@flowdose/projections/renditions';
import type { BlobStore } from '@flowdose/shared/blob-store/port';
import type { Logger } from '@flowdose/shared/logger';

// Hashes remembered as ready. Past this many the memory starts again (each is then looked
// up once more): a bound, not a policy.
const REMEMBERED = 50_000;

/**
 * An image as the product answers show it: its URLs, and whether every rendition is made, so a
 * page draws the image only when each URL of its srcset answers (the initials tile until then).
 * Renditions never change once made (their keys are named by the upload's hash), so a hash
 * found ready is remembered and the store is asked only about images still being made: a
 * catalog page costs a lookup per new upload, not per image per request. What one instance
 * remembers another finds out the same way, so nothing here needs sharing.
 */
export function imageShower({ blobs, base, logger }: { blobs: BlobStore; base: string | undefined; logger: Logger }) {
  const ready = new Set<string>();
  const isReady = async (image: ImageRef): Promise<boolean> => {
    const hash = mediaHashOf(image.key);
    if (!hash || image.width === undefined) return false;
    if (ready.has(hash)) return true;
    // The store unreachable shows the tile rather than failing the catalog.
    const made = await renditionsReady(blobs, hash, image.width).catch((err: unknown) => {
      logger.warn({ err, hash }, 'could not tell whether renditions are made');
      return false;
    });
    if (made) {
      if (ready.size >= REMEMBERED) ready.clear();
      ready.add(hash);
    }
    return made;
  };
  return async (image: ImageRef): Promise<ShownImage> => ({ ...imageView(image, base), ready: await isReady(image) });
}
export type ImageShower = ReturnType<typeof imageShower>;

/**
 * Whether every image shown is ready: the read cache keeps only such answers, since an image
 * becoming ready is no change to any read model (no notice would drop the entry).
 */
export const allShown = (images: readonly (ShownImage | null)[]) =>
  images.every((image) => image === null || image.ready);
