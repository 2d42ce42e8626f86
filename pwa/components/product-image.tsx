import type { ShownImage } from '@flowdose/contract/common';

// Each product shows its image when it has one whose renditions are made; otherwise a tile in
// its category's colour with its initials: one of the classes .tile-0 to .tile-6 (globals.css),
// not a style attribute, which the Content-Security-Policy (proxy.ts) would refuse.
const SHADES = 7;
function tileShade(category: string) {
  let hash = 0;
  for (const c of category) hash = (hash * 31 + c.charCodeAt(0)) >>> 0;
  return hash % SHADES;
}
const initials = (title: string) =>
  title
    .split(/\s+/)
    .slice(0, 2)
    .map((w) => w[0]?.toUpperCase() ?? '')
    .join('');

function ProductTile({ title, category }: { title: string; category: string }) {
  return (
    <div className={`tile tile-${tileShade(category)}`} aria-hidden="true">
      {initials(title)}
    </div>
  );
}

/** The `src` for browsers without `<picture>`: the first WebP at least this wide, else the widest. */
const FALLBACK_WIDTH = 640;
export function fallbackSrc(webpSrcset: string): string {
  const candidates = webpSrcset.split(',').map((entry) => {
    const [url = '', descriptor = '0w'] = entry.trim().split(/\s+/);
    return { url, width: Number.parseInt(descriptor, 10) };
  });
  return (candidates.find((c) => c.width >= FALLBACK_WIDTH) ?? candidates[candidates.length - 1])?.url ?? '';
}

type Props = {
  image: ShownImage | null | undefined;
  title: string;
  category: string;
  /** The `sizes` attribute: how wide the image is drawn at each viewport width. */
  sizes: string;
  /**
   * The page's largest image (its LCP): preloaded from the head and fetched first, so it is
   * there by the first paint rather than painted after the scripts have run.
   */
  priority?: boolean;
  /** Fetched at once though not first: a card in the first rows, which lazy loading would hold back until layout. */
  eager?: boolean;
  /** Empty when the image only repeats what text beside it says (a card's title). */
  alt?: string;
  className?: string;
};

/**
 * A product image as `<picture>`: AVIF, then WebP, each at every rendition width, so the browser
 * takes the smallest that fills `sizes` at its pixel density. Width and height are the
 * original's, so the box has its final shape before a byte arrives (no layout shift).
 */
export function ProductImage({
  image,
  title,
  category,
  sizes,
  priority = false,
  eager = priority,
  alt,
  className = 'shot',
}: Props) {
  if (!image?.ready || !image.srcset || !image.width || !image.height) {
    return <ProductTile title={title} category={category} />;
  }
  return (
    <>
      {/* React puts this in the head: the page's largest image, fetched from the first bytes on.
          AVIF: a browser that honours a typed preload picks it from the <picture> too. */}
      {priority && (
        <link
          rel="preload"
          as="image"
          type="image/avif"
          href={fallbackSrc(image.srcset.avif)}
          imageSrcSet={image.srcset.avif}
          imageSizes={sizes}
          fetchPriority="high"
        />
      )}
      <picture>
        <source type="image/avif" srcSet={image.srcset.avif} sizes={sizes} />
        <source type="image/webp" srcSet={image.srcset.webp} sizes={sizes} />
        <img
          className={className}
          src={fallbackSrc(image.srcset.webp)}
          alt={alt ?? (image.alt || title)}
          width={image.width}
          height={image.height}
          loading={eager ? 'eager' : 'lazy'}
          fetchPriority={priority ? 'high' : 'auto'}
          decoding="async"
        />
      </picture>
    </>
  );
}
