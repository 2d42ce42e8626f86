import type { SearchAnswer } from '@flowdose/contract/search';
import { Highlighted } from './highlighted';
import { ProductCard } from './product-card';

/** A search's products as cards, their titles with the matched words marked. */
export function Hits({ hits }: { hits: SearchAnswer['hits'] }) {
  return (
    <ul className="grid">
      {hits.map((hit, i) => (
        <ProductCard
          key={hit.productId}
          product={hit}
          heading="h2"
          position={i}
          name={<Highlighted html={hit.highlights.title} />}
        />
      ))}
    </ul>
  );
}
