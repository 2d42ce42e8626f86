import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { AddToCart } from '@/components/add-to-cart';
import { ProductImage } from '@/components/product-image';
import { titleCase } from '@/lib/format';
import { findProduct } from '@/lib/server-api';

export const dynamic = 'force-dynamic';

// The detail's two columns (globals.css .detail) from 48rem, each half of a page of at most 72rem.
const COVER_SIZES = '(min-width: 72rem) 34rem, (min-width: 48rem) calc(50vw - 2rem), calc(100vw - 2rem)';
// The other images, four across under the cover.
const MORE_SIZES = '(min-width: 72rem) 8rem, (min-width: 48rem) calc(12.5vw - 1rem), calc(25vw - 1rem)';

type Props = { params: Promise<{ handle: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const product = await findProduct((await params).handle);
  return product ? { title: product.title, description: product.description.slice(0, 160) } : { title: 'Not found' };
}

export default async function ProductDetail({ params }: Props) {
  const product = await findProduct((await params).handle);
  if (!product) notFound();
  const [cover, ...more] = product.images.filter((image) => image.ready);
  const { title, category } = product;
  return (
    <div className="detail">
      <div>
        <ProductImage image={cover} title={title} category={category} sizes={COVER_SIZES} priority />
        {more.length > 0 && (
          <ul className="gallery" aria-label="More images">
            {more.map((image) => (
              <li key={image.key}>
                <ProductImage image={image} title={title} category={category} sizes={MORE_SIZES} />
              </li>
            ))}
          </ul>
        )}
      </div>
      <div>
        <p>
          <Link href={`/products?category=${product.category}`}>{titleCase(product.category)}</Link>
        </p>
        <h1>{product.title}</h1>
        <p>{product.description}</p>
        <AddToCart product={product} />
      </div>
    </div>
  );
}
