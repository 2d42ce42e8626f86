/**
 * Images made at test time with sharp (no binary fixtures), a look inside their EXIF, and
 * the multipart upload a back office sends. Used by tests only.
 */
import type { ImageUploadedAnswer } from '@flowdose/contract/command-api';
import sharp from 'sharp';
import type { TestResponse } from './http.ts';

export type TestImageOptions = {
  width?: number;
  height?: number;
  format?: 'jpeg' | 'png' | 'webp' | 'avif';
  /** EXIF with a camera name and a GPS position (Paris). */
  gps?: boolean;
  /** EXIF orientation (6: shown turned 90° clockwise). */
  orientation?: number;
  /** Another colour: another image, another hash. */
  colour?: string;
};

/** A picture with some shape in it (a flat colour would compress to nothing). */
export async function testImage({
  width = 1600,
  height = 1200,
  format = 'jpeg',
  gps = false,
  orientation,
  colour = '#c85028',
}: TestImageOptions = {}): Promise<Buffer> {
  const shapes = Buffer.from(
    `<svg width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg">` +
      `<circle cx="${width / 2}" cy="${height / 2}" r="${Math.min(width, height) / 3}" fill="#1f6f8b"/>` +
      `<rect x="${width / 10}" y="${height / 10}" width="${width / 5}" height="${height / 5}" fill="#f4d35e"/></svg>`,
  );
  let image = sharp({ create: { width, height, channels: 3, background: colour } }).composite([{ input: shapes }]);
  if (gps)
    image = image.withExif({
      IFD0: { Make: 'FlowdoseTestCam', Model: 'GPS-1' },
      // IFD3 is the GPS directory in libvips' naming.
      IFD3: {
        GPSLatitudeRef: 'N',
        GPSLatitude: '48/1 51/1 2938/100',
        GPSLongitudeRef: 'E',
        GPSLongitude: '2/1 17/1 4000/100',
      },
    });
  if (orientation) image = image.withMetadata({ orientation });
  return image.toFormat(format).toBuffer();
}

/**
 * The tags of an EXIF block's first directory (IFD0), from a TIFF header written either way
 * round. 0x8825 is the pointer to the GPS directory: there is a GPS position when it is there.
 */
export function exifTags(exif: Buffer): number[] {
  const start = exif.subarray(0, 4).toString('latin1') === 'Exif' ? 6 : 0;
  const little = exif.subarray(start, start + 2).toString('latin1') === 'II';
  const u16 = (at: number) => (little ? exif.readUInt16LE(start + at) : exif.readUInt16BE(start + at));
  const u32 = (at: number) => (little ? exif.readUInt32LE(start + at) : exif.readUInt32BE(start + at));
  const ifd = u32(4);
  return Array.from({ length: u16(ifd) }, (_, i) => u16(ifd + 2 + i * 12));
}
export const GPS_IFD_TAG = 0x8825;

/** What sharp reads of an image's metadata: its EXIF tags (none: []), size, format and orientation. */
export async function inspect(bytes: Buffer) {
  const meta = await sharp(bytes).metadata();
  return {
    format: meta.format,
    compression: meta.compression,
    width: meta.width,
    height: meta.height,
    orientation: meta.orientation,
    exifTags: meta.exif ? exifTags(meta.exif) : [],
    hasExif: meta.exif !== undefined,
    hasXmp: meta.xmp !== undefined,
  };
}

/** POST /admin/products/:productId/images as a browser's FormData sends it. */
export async function uploadImage(
  baseUrl: string,
  productId: string,
  bytes: Uint8Array,
  {
    filename = 'photo.jpg',
    type = 'image/jpeg',
    alt,
    headers = {},
    extra = {},
  }: {
    filename?: string;
    type?: string;
    alt?: string;
    headers?: Record<string, string>;
    extra?: Record<string, string>;
  } = {},
): Promise<TestResponse<ImageUploadedAnswer & { type?: string; status?: number }>> {
  const form = new FormData();
  form.set('file', new Blob([Uint8Array.from(bytes)], { type }), filename);
  if (alt !== undefined) form.set('alt', alt);
  for (const [name, value] of Object.entries(extra)) form.set(name, value);
  const res = await fetch(`${baseUrl}/admin/products/${productId}/images`, { method: 'POST', headers, body: form });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {}
  return { status: res.status, headers: res.headers, body: body as ImageUploadedAnswer, text };
}
