import { DomainError } from '@flowdose/domain/errors';
import { IMAGE_TYPES, type ImageType, type RenditionFormat } from '@flowdose/domain/product/media';
import sharp, { type Metadata } from 'sharp';

// What the server does to image bytes, with sharp (libvips): tell what a file is from its
// bytes, measure it, strip its metadata, make renditions. The upload (command API) and the
// renditions job (projections service) both use it.

// Each image is read once; libvips' operation cache would only hold memory in a long-lived process.
sharp.cache(false);

/**
 * The most pixels an upload may decode to. A 10 MB file can hold far more (a flat PNG
 * compresses to almost nothing), and decoding it would take that much memory.
 */
export const MAX_PIXELS = 40_000_000;

const startsWith = (bytes: Uint8Array, offset: number, ascii: string) =>
  bytes.length >= offset + ascii.length && [...ascii].every((c, i) => bytes[offset + i] === c.charCodeAt(0));

/**
 * What an upload is, from its first bytes (32 are enough), whatever its name or the type its
 * client claimed: JPEG, PNG, WebP or AVIF, or null. AVIF is an ISO-BMFF `ftyp` box whose
 * major or a compatible brand is `avif` or `avis` (a HEIC photo is `heic`: refused).
 */
export function sniffImageType(bytes: Uint8Array): ImageType | null {
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (startsWith(bytes, 0, '\x89PNG\r\n\x1a\n')) return 'png';
  if (startsWith(bytes, 0, 'RIFF') && startsWith(bytes, 8, 'WEBP')) return 'webp';
  if (startsWith(bytes, 4, 'ftyp')) {
    const boxSize = ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0;
    const end = Math.min(boxSize, bytes.length);
    // The major brand at 8, the minor version at 12, then compatible brands 4 bytes each.
    for (const at of [8, ...Array.from({ length: Math.max(0, (end - 16) / 4) }, (_, i) => 16 + 4 * i)])
      if (startsWith(bytes, at, 'avif') || startsWith(bytes, at, 'avis')) return 'avif';
  }
  return null;
}

/** How many bytes sniffImageType wants: an AVIF's ftyp box lists its brands within these. */
export const SNIFF_BYTES = 64;

export type Measured = { type: ImageType; width: number; height: number };

// What libvips calls each type when it reads one (AVIF is HEIF with AV1 inside).
const LOADER: Record<ImageType, string> = { jpeg: 'jpeg', png: 'png', webp: 'webp', avif: 'heif' };

/**
 * The image's size as it is shown (EXIF orientation applied), checked by decoding its header
 * with the loader of the type its bytes announced. A file that does not decode, or decodes
 * as something else, is refused (422 image-unreadable); one with too many pixels too.
 */
export async function measureImage(input: string | Buffer, type: ImageType): Promise<Measured> {
  let meta: Metadata;
  try {
    meta = await sharp(input, { limitInputPixels: false }).metadata();
  } catch {
    throw new DomainError('image-unreadable', `The file starts like a ${type.toUpperCase()} image but cannot be read.`);
  }
  if (meta.format !== LOADER[type] || (type === 'avif' && meta.compression !== 'av1'))
    throw new DomainError('image-unreadable', `The file starts like a ${type.toUpperCase()} image but is not one.`);
  const { width, height } = meta.autoOrient;
  if (!width || !height) throw new DomainError('image-unreadable', 'The image has no size.');
  if (width * height > MAX_PIXELS)
    throw new DomainError(
      'image-too-large',
      `The image is ${width}×${height} pixels; at most ${MAX_PIXELS / 1_000_000} megapixels are taken.`,
    );
  return { type, width, height };
}

/**
 * The image as it should be published: turned upright by its EXIF orientation, then written
 * again in its own format without any metadata (EXIF with its GPS position, XMP, IPTC, ICC:
 * sharp keeps none unless asked, and converts the colours to sRGB).
 */
export async function stripMetadata(input: string | Buffer, type: ImageType): Promise<Buffer> {
  const image = sharp(input, { limitInputPixels: MAX_PIXELS }).autoOrient();
  try {
    switch (type) {
      case 'jpeg':
        return await image.jpeg({ quality: 90 }).toBuffer();
      case 'png':
        return await image.png().toBuffer();
      case 'webp':
        return await image.webp({ quality: 90 }).toBuffer();
      case 'avif':
        return await image.avif({ quality: 70, effort: 2 }).toBuffer();
    }
  } catch {
    throw new DomainError('image-unreadable', `The ${type.toUpperCase()} image cannot be decoded.`);
  }
}

export const contentTypeOf = (type: ImageType) => IMAGE_TYPES[type];
export const renditionContentType = (format: RenditionFormat) => IMAGE_TYPES[format];

/** One rendition of a (stripped) original: this wide, never wider than the original, no metadata. */
export async function makeRendition(original: Buffer, width: number, format: RenditionFormat): Promise<Buffer> {
  const resized = sharp(original, { limitInputPixels: MAX_PIXELS }).resize({ width, withoutEnlargement: true });
  return format === 'avif'
    ? resized.avif({ quality: 50, effort: 2 }).toBuffer()
    : resized.webp({ quality: 80, effort: 4 }).toBuffer();
}
