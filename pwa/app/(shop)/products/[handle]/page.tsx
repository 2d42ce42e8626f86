import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { AddToCart } from '@/components/add-to-cart';
import { ProductTile } from '@/components/product-card';
import { titleCase } from '@/lib/format';
import { findProduct } from '@/lib/server-api';

export const dynamic = 'force-dynamic';

type Props = { params: Promise<{ handle: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const product = await findProduct((await params).handle);
  return product ? { title: product.title, description: product.description.slice(0, 160) } : { title: 'Not found' };
}

export default async function ProductDetail({ params }: Props) {
  const product = await findProduct((await params).handle);
  if (!product) notFound();
  return (
    <div className="detail">
      <div>
        <ProductTile title={product.title} category={product.category} />
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
