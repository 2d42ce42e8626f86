import type { ProductListItem } from '@flowdose/contract/query-api';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { formatMoney } from '@/lib/format';
import { ProductImage } from './product-image';

// How wide a card's image is drawn: the grid (globals.css .grid) fits as many columns of at
// least 11rem as a page of at most 72rem holds (five from 61rem, four from 49rem, three from
// 37rem, two from 25rem), less the gaps and the card's padding.
const CARD_SIZES = [
  '(min-width: 72rem) 12rem',
  '(min-width: 61rem) calc(20vw - 2rem)',
  '(min-width: 49rem) calc(25vw - 2rem)',
  '(min-width: 37rem) calc(33vw - 2.5rem)',
  '(min-width: 25rem) calc(50vw - 3rem)',
  'calc(100vw - 3.5rem)',
].join(', ');

/**
 * How many cards of a list load their images at once: the first rows, in view on arrival (two
 * rows on a phone, most of one on a wide screen). Lazy, they would wait for layout, and one of
 * them is the page's largest paint: the first, on a phone, so it is also fetched first
 * (preloaded from the head, high priority), as the product page's cover is.
 */
const EAGER_CARDS = 4;

/**
 * `heading`: the level that follows the page's outline (h2 under the page title, h3 under a section).
 * `position`: where the card stands in its list (0 first), which decides how its image loads.
 */
export function ProductCard({
  product,
  heading: Heading = 'h3',
  position,
  name = product.title,
}: {
  /** A catalog item or a search hit: both carry these. */
  product: Pick<ProductListItem, 'handle' | 'title' | 'category' | 'price' | 'inStock' | 'image'>;
  heading?: 'h2' | 'h3';
  position: number;
  /** The title as shown (a search hit's, with the matched words marked); the title itself by default. */
  name?: ReactNode;
}) {
  return (
    <li className="card">
      <Link href={`/products/${product.handle}`}>
        {/* The title below names the link; the picture's alt text would only say it twice. */}
        <ProductImage
          image={product.image}
          title={product.title}
          category={product.category}
          sizes={CARD_SIZES}
          alt=""
          priority={position === 0}
          eager={position < EAGER_CARDS}
          className="shot card-shot"
        />
        <Heading className="name">{name}</Heading>
        <span className="price">{formatMoney(product.price)}</span>{' '}
        {!product.inStock && <span className="sold-out">Sold out</span>}
      </Link>
    </li>
  );
}
