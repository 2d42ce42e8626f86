import sharp from 'sharp';
import type { DemoImage, DemoProduct } from './demo-catalog.ts';

// The demo catalog's pictures, drawn at seed time rather than downloaded (no network, no
// licences): an SVG made of the product's colour, a silhouette of its category and its name,
// rasterised by sharp. The same product always draws the same bytes, so a rerun of the seed
// uploads the same files, which the API stores once.

/** 4:3 like the shop's cards; 960 wide keeps the renditions job short (160, 320, 640, 960 w). */
export const DEMO_IMAGE_WIDTH = 960;
export const DEMO_IMAGE_HEIGHT = 720;

/** Each colour option value the demo catalog uses, and one per category for the rest. */
const SWATCH: Record<string, string> = {
  Black: '#1f2937',
  White: '#f3f4f6',
  Navy: '#1e3a8a',
  Olive: '#556b2f',
  Sand: '#d8c7a3',
  Rust: '#b4532a',
  Grey: '#6b7280',
  Forest: '#166534',
  Red: '#b91c1c',
  Blue: '#1d4ed8',
  Natural: '#e7dcc5',
};
const CATEGORY_SWATCH: Record<string, string> = {
  apparel: '#7c3aed',
  footwear: '#92400e',
  home: '#e5e7eb',
  kitchen: '#9ca3af',
  outdoor: '#15803d',
  stationery: '#f59e0b',
  accessories: '#0f766e',
};

/** A silhouette per category, drawn in a 400 × 300 box (scaled to the picture). */
const SILHOUETTE: Record<string, string> = {
  apparel:
    'M130 40 L170 30 Q200 55 230 30 L270 40 L330 90 L295 130 L270 110 L270 270 L130 270 L130 110 L105 130 L70 90 Z',
  footwear: 'M60 200 Q70 150 120 150 L190 120 Q220 110 230 140 Q260 180 330 190 Q360 200 350 230 L60 230 Z',
  home: 'M140 70 L260 70 L250 260 Q200 275 150 260 Z M260 110 Q320 115 315 165 Q310 210 255 215 L257 195 Q292 190 295 165 Q297 135 258 132 Z',
  kitchen: 'M70 150 A90 50 0 0 0 250 150 Z M245 140 L350 120 L355 135 L250 160 Z',
  outdoor: 'M40 260 L150 90 L210 180 L250 130 L360 260 Z',
  stationery: 'M120 40 L290 40 Q300 40 300 50 L300 260 Q300 270 290 270 L120 270 Z M135 40 L135 270',
  accessories: 'M110 130 Q120 60 200 60 Q280 60 290 130 L330 150 Q320 165 290 160 L110 160 Z',
};

/** Silhouettes for what a name says, where the category's would be wrong (a tote is no cap). */
const BY_NAME: [RegExp, string][] = [
  [
    /\b(Tote|Bag|Backpack)\b/,
    'M110 110 L290 110 L310 270 L90 270 Z M150 110 Q150 40 200 40 Q250 40 250 110 L235 110 Q235 55 200 55 Q165 55 165 110 Z',
  ],
  [/\bSocks?\b/, 'M170 30 L250 30 L250 180 Q250 200 270 215 L320 240 Q345 255 330 275 L200 275 Q170 275 170 240 Z'],
  [
    /\b(Candle|Vase)\b/,
    'M150 80 Q150 60 200 60 Q250 60 250 80 L250 260 Q250 275 200 275 Q150 275 150 260 Z M196 20 Q210 40 200 60 Q190 40 196 20 Z',
  ],
  [
    /\b(Teapot|Kettle)\b/,
    'M120 140 Q120 90 200 90 Q280 90 280 140 L290 240 Q200 280 110 240 Z M280 150 L340 120 L330 140 L285 190 Z M180 90 Q200 60 220 90 Z',
  ],
];

/** The light or dark ink that reads on a background. */
function inkOn(hex: string): string {
  const [r, g, b] = [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];
  return 0.299 * r + 0.587 * g + 0.114 * b > 150 ? '#111827' : '#ffffff';
}

const escapeXml = (text: string) =>
  text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);

/** The image's colour: its own (a colour variant's), else the category's. */
export const swatchOf = (product: DemoProduct, image: DemoImage) =>
  (image.colour && SWATCH[image.colour]) || CATEGORY_SWATCH[product.category] || '#374151';

/** The SVG of one of a product's pictures: the whole silhouette, a close-up, or the name large. */
export function demoImageSvg(product: DemoProduct, image: DemoImage): string {
  const [w, h] = [DEMO_IMAGE_WIDTH, DEMO_IMAGE_HEIGHT];
  const fill = swatchOf(product, image);
  const ink = inkOn(fill);
  const shape =
    BY_NAME.find(([words]) => words.test(product.title))?.[1] ??
    SILHOUETTE[product.category] ??
    SILHOUETTE.accessories!;
  const name = escapeXml(product.title);
  const backdrop = ink === '#ffffff' ? '#f5f5f4' : '#44403c';
  // The silhouette sits on a light (or, for a light product, dark) backdrop in the product's colour.
  const view =
    image.view === 'front'
      ? `<g transform="translate(${w * 0.1} ${h * 0.08}) scale(${(w * 0.8) / 400})"><path d="${shape}" fill="${fill}" stroke="${ink === '#ffffff' ? '#1c1917' : '#fafaf9'}" stroke-width="3" fill-rule="evenodd"/></g>`
      : image.view === 'detail'
        ? `<g transform="translate(${-w * 0.45} ${-h * 0.35}) scale(${(w * 1.9) / 400})"><path d="${shape}" fill="${fill}" fill-rule="evenodd"/></g>` +
          `<g stroke="${ink}" stroke-opacity="0.18" stroke-width="6">${Array.from({ length: 24 }, (_, i) => `<line x1="${i * 60 - 300}" y1="0" x2="${i * 60}" y2="${h}"/>`).join('')}</g>`
        : `<rect width="${w}" height="${h}" fill="${fill}"/>`;
  const caption =
    image.view === 'name'
      ? `<text x="${w / 2}" y="${h / 2}" text-anchor="middle" dominant-baseline="middle" font-family="DejaVu Sans, Liberation Sans, sans-serif" font-weight="700" font-size="${Math.min(72, (w * 1.6) / Math.max(product.title.length, 8))}" fill="${ink}">${name}</text>` +
        `<text x="${w / 2}" y="${h / 2 + 80}" text-anchor="middle" font-family="DejaVu Sans, Liberation Sans, sans-serif" font-size="32" fill="${ink}" fill-opacity="0.75">${escapeXml(product.category)}</text>`
      : `<rect x="0" y="${h - 88}" width="${w}" height="88" fill="#000" fill-opacity="0.45"/>` +
        `<text x="32" y="${h - 32}" font-family="DejaVu Sans, Liberation Sans, sans-serif" font-weight="700" font-size="40" fill="#fff">${name}</text>`;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}">` +
    `<rect width="${w}" height="${h}" fill="${backdrop}"/>${view}${caption}</svg>`
  );
}

/** One of a product's pictures as WebP, ready to upload. */
export const drawDemoImage = (product: DemoProduct, image: DemoImage): Promise<Buffer> =>
  sharp(Buffer.from(demoImageSvg(product, image)))
    .webp({ quality: 85 })
    .toBuffer();
