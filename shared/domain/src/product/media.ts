import { type ImageRef, MEDIA_ORIGINAL_KEY } from './events.ts';

// Where an uploaded image's bytes live, and the URLs they are served at. Pure (the storefront
// and the back office may use it too): the blob store, sharp and HTTP are the server's.
//
// One upload, one folder named by the SHA-256 of the file as uploaded:
//   media/<hash>/original          the image with its metadata (EXIF, GPS, XMP) stripped
//   media/<hash>/<width>.<format>  renditions, made by the renditions job
// The same file uploaded again names the same folder: it is stored once, and its renditions
// are made once, whoever asks and however often.

/** Widths of the renditions, in pixels; never wider than the original (no upscaling). */
export const RENDITION_WIDTHS = [160, 320, 640, 1280] as const;
export const RENDITION_FORMATS = ['avif', 'webp'] as const;
export type RenditionFormat = (typeof RENDITION_FORMATS)[number];
/** Largest file the upload takes. */
export const MAX_IMAGE_BYTES = 10 * 1024 * 1024;
/** The upload's types, as sniffed from the file's first bytes, and what each is served as. */
export const IMAGE_TYPES = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  avif: 'image/avif',
} as const;
export type ImageType = keyof typeof IMAGE_TYPES;

export const MEDIA_HASH = /^[0-9a-f]{64}$/;
/** The file part of a media path: `original`, or a rendition's `<width>.<format>`. */
export const MEDIA_FILE = /^(?:original|[1-9]\d{0,4}\.(?:avif|webp))$/;

export const originalKey = (hash: string) => `media/${hash}/original`;
export const renditionKey = (hash: string, width: number, format: RenditionFormat) =>
  `media/${hash}/${width}.${format}`;
/** The upload's hash, when the key is an uploaded image's original. */
export const mediaHashOf = (key: string): string | null => MEDIA_ORIGINAL_KEY.exec(key)?.[1] ?? null;

/**
 * The widths made for an original this wide: each standard width narrower than it, and the
 * original's own width when it is narrower than the largest (so the sharpest rendition is
 * never an enlargement, and a small image still gets one).
 */
export function renditionWidths(originalWidth: number): number[] {
  const largest = RENDITION_WIDTHS[RENDITION_WIDTHS.length - 1]!;
  const widths: number[] = RENDITION_WIDTHS.filter((w) => w < originalWidth);
  const top = Math.min(originalWidth, largest);
  if (!widths.includes(top)) widths.push(top);
  return widths;
}

export type Rendition = { width: number; format: RenditionFormat; key: string };

/** Every rendition of an upload: each width in each format, narrowest first. */
export const renditionsOf = (hash: string, originalWidth: number): Rendition[] =>
  RENDITION_FORMATS.flatMap((format) =>
    renditionWidths(originalWidth).map((width) => ({ width, format, key: renditionKey(hash, width, format) })),
  );

/** A blob key's public URL: under `base` (MEDIA_PUBLIC_BASE_URL, a CDN or a bucket), or the query API's `/media/…`. */
export const mediaUrl = (key: string, base = '') => `${base}/${key}`;

/** An image as the APIs answer it: its key and alt text, with what a page needs to show it. */
export type ImageView = {
  key: string;
  alt: string;
  /** The original's size as shown; null for an image set by key by hand. */
  width: number | null;
  height: number | null;
  /** The original (metadata stripped); null for an image set by key by hand. */
  url: string | null;
  /** `srcset` values per format, narrowest first: `<picture>`'s `<source type="image/avif" srcset>`. */
  srcset: Record<RenditionFormat, string> | null;
};

/** Each rendition of an uploaded image with its URL, narrowest first in each format. */
export const renditionViews = (hash: string, originalWidth: number, base = '') =>
  renditionsOf(hash, originalWidth).map(({ width, format, key }) => ({ width, format, url: mediaUrl(key, base) }));

export function imageView(image: ImageRef, base = ''): ImageView {
  const hash = mediaHashOf(image.key);
  const { width = null, height = null } = image;
  if (!hash || width === null) return { key: image.key, alt: image.alt, width, height, url: null, srcset: null };
  const srcset = Object.fromEntries(
    RENDITION_FORMATS.map((format) => [
      format,
      renditionWidths(width)
        .map((w) => `${mediaUrl(renditionKey(hash, w, format), base)} ${w}w`)
        .join(', '),
    ]),
  ) as Record<RenditionFormat, string>;
  return { key: image.key, alt: image.alt, width, height, url: mediaUrl(image.key, base), srcset };
}
