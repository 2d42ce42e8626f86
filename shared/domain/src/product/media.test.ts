import { describe, expect, it } from 'vitest';
import { imageView, mediaHashOf, renditionsOf, renditionWidths } from './media.ts';

const hash = 'c'.repeat(64);

describe('renditions of an upload', () => {
  it('are the standard widths narrower than the original, and the original’s own when narrower than the largest', () => {
    expect(renditionWidths(4000)).toEqual([160, 320, 640, 1280]);
    expect(renditionWidths(1280)).toEqual([160, 320, 640, 1280]);
    expect(renditionWidths(1000)).toEqual([160, 320, 640, 1000]);
    expect(renditionWidths(640)).toEqual([160, 320, 640]);
    expect(renditionWidths(200)).toEqual([160, 200]);
    expect(renditionWidths(90)).toEqual([90]);
  });

  it('are each width in AVIF and WebP, under the upload’s folder', () => {
    expect(renditionsOf(hash, 500).map((r) => r.key)).toEqual([
      `media/${hash}/160.avif`,
      `media/${hash}/320.avif`,
      `media/${hash}/500.avif`,
      `media/${hash}/160.webp`,
      `media/${hash}/320.webp`,
      `media/${hash}/500.webp`,
    ]);
  });
});

describe('an image as the APIs answer it', () => {
  it('gives an upload its URLs, under a base when there is one', () => {
    const image = { key: `media/${hash}/original`, alt: 'Front', width: 700, height: 350 };
    expect(mediaHashOf(image.key)).toBe(hash);
    expect(imageView(image, 'https://cdn.example.com')).toEqual({
      ...image,
      url: `https://cdn.example.com/media/${hash}/original`,
      srcset: {
        avif: [160, 320, 640, 700].map((w) => `https://cdn.example.com/media/${hash}/${w}.avif ${w}w`).join(', '),
        webp: [160, 320, 640, 700].map((w) => `https://cdn.example.com/media/${hash}/${w}.webp ${w}w`).join(', '),
      },
    });
    expect(imageView(image).url).toBe(`/media/${hash}/original`);
  });

  it('gives a key set by hand no URL: nothing says it was uploaded', () => {
    expect(mediaHashOf('products/tee/front.webp')).toBeNull();
    expect(imageView({ key: 'products/tee/front.webp', alt: 'x' })).toEqual({
      key: 'products/tee/front.webp',
      alt: 'x',
      width: null,
      height: null,
      url: null,
      srcset: null,
    });
  });
});
