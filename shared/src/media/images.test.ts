import { testImage } from '@flowdose/testing/images';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { MAX_PIXELS, measureImage, sniffImageType, stripMetadata } from './images.ts';

const ftyp = (major: string, ...compatible: string[]) => {
  const size = 16 + 4 * compatible.length;
  const box = Buffer.alloc(size);
  box.writeUInt32BE(size, 0);
  box.write(`ftyp${major}`, 4, 'latin1');
  for (const [i, brand] of compatible.entries()) box.write(brand, 16 + 4 * i, 'latin1');
  return box;
};

describe('what an upload is, from its bytes', () => {
  it('tells JPEG, PNG, WebP and AVIF, whatever the file is called', async () => {
    for (const format of ['jpeg', 'png', 'webp', 'avif'] as const)
      expect(sniffImageType((await testImage({ width: 40, height: 30, format })).subarray(0, 64))).toBe(format);
  });

  it('knows AVIF by a compatible brand too, and refuses HEIC, GIF, text and nothing', () => {
    expect(sniffImageType(ftyp('mif1', 'mif1', 'avif', 'miaf'))).toBe('avif');
    expect(sniffImageType(ftyp('heic', 'mif1', 'heic'))).toBeNull();
    expect(sniffImageType(Buffer.from('GIF89a\x01\x00\x01\x00', 'latin1'))).toBeNull();
    expect(sniffImageType(Buffer.from('Just some words, named cat.jpg'))).toBeNull();
    expect(sniffImageType(Buffer.alloc(0))).toBeNull();
  });

  it('measures an image as shown, and refuses one that decodes as something else or is too many pixels', async () => {
    const turned = await testImage({ width: 300, height: 200, orientation: 6 });
    expect(await measureImage(turned, 'jpeg')).toEqual({ type: 'jpeg', width: 200, height: 300 });
    await expect(measureImage(await testImage({ width: 30, height: 30, format: 'png' }), 'jpeg')).rejects.toMatchObject(
      {
        code: 'image-unreadable',
      },
    );
    // A PNG of a flat colour compresses a huge canvas into a few kilobytes.
    const huge = await sharp({ create: { width: 8000, height: 6000, channels: 3, background: '#000000' } })
      .png({ compressionLevel: 9 })
      .toBuffer();
    expect(8000 * 6000).toBeGreaterThan(MAX_PIXELS);
    await expect(measureImage(huge, 'png')).rejects.toMatchObject({ code: 'image-too-large' });
  });

  it('strips every metadata block and turns the image upright', async () => {
    const photo = await testImage({ width: 300, height: 200, orientation: 6, gps: true });
    const stripped = await sharp(await stripMetadata(photo, 'jpeg')).metadata();
    expect(stripped).toMatchObject({ format: 'jpeg', width: 200, height: 300 });
    expect(stripped.exif).toBeUndefined();
    expect(stripped.orientation).toBeUndefined();
    expect(stripped.icc).toBeUndefined();
  });
});
