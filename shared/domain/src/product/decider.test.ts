import { describe, it } from 'vitest';
import { deciderSpec } from '../decider-spec.test-support.ts';
import { DomainError, NotFoundError } from '../errors.ts';
import { productDecider } from './decider.ts';
import type { ProductEvent } from './events.ts';

const given = deciderSpec(productDecider);
const productId = '0190b8a0-0000-7000-8000-0000000000f1';
const details = {
  title: 'Organic T-shirt',
  handle: 'organic-t-shirt',
  description: 'Soft.',
  category: 'apparel',
  tags: ['organic'],
  options: [
    { name: 'Colour', values: ['Red', 'Blue'] },
    { name: 'Size', values: ['S', 'M'] },
  ],
};
const redM = {
  sku: 'TEE-RED-M',
  optionValues: { Colour: 'Red', Size: 'M' },
  prices: { EUR: 1999, USD: 2199 },
  weightGrams: 180,
};
const blueS = {
  sku: 'TEE-BLUE-S',
  optionValues: { Colour: 'Blue', Size: 'S' },
  prices: { EUR: 1999 },
  weightGrams: 170,
};
const created: ProductEvent = { type: 'ProductCreated', data: { productId, ...details } };
const redAdded: ProductEvent = { type: 'VariantAdded', data: { productId, ...redM } };
const published: ProductEvent = { type: 'ProductPublished', data: { productId } };

describe('product decider', () => {
  it('creates a product with its variants', () => {
    given([])
      .when({ type: 'CreateProduct', data: { productId, ...details, variants: [redM, blueS] } })
      .thenEmits([created, redAdded, { type: 'VariantAdded', data: { productId, ...blueS } }]);
    given([created])
      .when({ type: 'CreateProduct', data: { productId, ...details, variants: [] } })
      .thenThrows(DomainError, 'product-exists');
  });

  it('refuses variants that do not fit the options, or repeat a SKU or a combination', () => {
    const add = (v: object) => ({ type: 'AddVariant', data: { productId, ...redM, ...v } }) as const;
    given([created])
      .when(add({ optionValues: { Colour: 'Green', Size: 'M' } }))
      .thenThrows(DomainError, 'variant-options');
    given([created])
      .when(add({ optionValues: { Colour: 'Red' } }))
      .thenThrows(DomainError, 'variant-options');
    given([created])
      .when(add({ optionValues: { Colour: 'Red', Size: 'M', Fit: 'Slim' } }))
      .thenThrows(DomainError, 'variant-options');
    given([created, redAdded]).when(add({})).thenThrows(DomainError, 'sku-taken');
    given([created, redAdded])
      .when(add({ sku: 'TEE-RED-M-2' }))
      .thenThrows(DomainError, 'variant-options');
    given([])
      .when({ type: 'CreateProduct', data: { productId, ...details, variants: [redM, redM] } })
      .thenThrows(DomainError, 'sku-taken');
  });

  it('publishes only with a variant, and keeps a published product from losing its last one', () => {
    given([created]).when({ type: 'PublishProduct', data: { productId } }).thenThrows(DomainError, 'no-variants');
    given([created, redAdded]).when({ type: 'PublishProduct', data: { productId } }).thenEmits([published]);
    given([created, redAdded, published])
      .when({ type: 'RemoveVariant', data: { productId, sku: 'TEE-RED-M' } })
      .thenThrows(DomainError, 'last-variant');
    given([created, redAdded])
      .when({ type: 'RemoveVariant', data: { productId, sku: 'NOPE' } })
      .thenThrows(NotFoundError);
  });

  it('unpublishes a published product and freezes an archived one', () => {
    given([created, redAdded, published])
      .when({ type: 'UnpublishProduct', data: { productId } })
      .thenEmits([{ type: 'ProductUnpublished', data: { productId } }]);
    given([created]).when({ type: 'UnpublishProduct', data: { productId } }).thenThrows(DomainError, 'not-published');
    const archived: ProductEvent = { type: 'ProductArchived', data: { productId } };
    given([created, redAdded, archived])
      .when({ type: 'PublishProduct', data: { productId } })
      .thenThrows(DomainError, 'product-archived');
    given([]).when({ type: 'ArchiveProduct', data: { productId } }).thenThrows(NotFoundError);
  });

  it('updates details and a variant, but nothing on an archived product or a missing variant', () => {
    const changes = { title: 'Organic Tee', handle: 'organic-tee' };
    given([created])
      .when({ type: 'UpdateProductDetails', data: { productId, changes } })
      .thenEmits([{ type: 'ProductDetailsUpdated', data: { productId, changes } }]);
    const prices = { prices: { EUR: 2499 } };
    given([created, redAdded])
      .when({ type: 'UpdateVariant', data: { productId, sku: 'TEE-RED-M', changes: prices } })
      .thenEmits([{ type: 'VariantUpdated', data: { productId, sku: 'TEE-RED-M', changes: prices } }]);
    given([created])
      .when({ type: 'UpdateVariant', data: { productId, sku: 'TEE-RED-M', changes: prices } })
      .thenThrows(NotFoundError);
    const archived: ProductEvent = { type: 'ProductArchived', data: { productId } };
    given([created, archived])
      .when({ type: 'UpdateProductDetails', data: { productId, changes } })
      .thenThrows(DomainError, 'product-archived');
  });

  it('adds an uploaded image once, at the end, up to 20', () => {
    const key = (n: number) => `media/${n.toString(16).padStart(64, '0')}/original`;
    const image = (n: number) => ({ key: key(n), alt: `image ${n}`, width: 800, height: 600 });
    const added = (n: number): ProductEvent => ({ type: 'ProductImageAdded', data: { productId, image: image(n) } });
    given([created])
      .when({ type: 'AddImage', data: { productId, image: image(1) } })
      .thenEmits([added(1)]);
    // The same upload again (another alt text, even): the product has it, nothing to record.
    given([created, added(1)])
      .when({ type: 'AddImage', data: { productId, image: { ...image(1), alt: 'other' } } })
      .thenEmits([]);
    const twenty = Array.from({ length: 20 }, (_, i) => added(i));
    given([created, ...twenty])
      .when({ type: 'AddImage', data: { productId, image: image(20) } })
      .thenThrows(DomainError, 'too-many-images');
    given([created, ...twenty])
      .when({ type: 'AddImage', data: { productId, image: image(3) } })
      .thenEmits([]);
    given([])
      .when({ type: 'AddImage', data: { productId, image: image(1) } })
      .thenThrows(NotFoundError);
    given([created, { type: 'ProductArchived', data: { productId } }])
      .when({ type: 'AddImage', data: { productId, image: image(1) } })
      .thenThrows(DomainError, 'product-archived');
  });

  it('sets the list whole, keeping each upload’s size, and takes uploads only from the product', () => {
    const upload = { key: `media/${'a'.repeat(64)}/original`, alt: 'front', width: 1200, height: 1600 };
    const other = `media/${'b'.repeat(64)}/original`;
    const added: ProductEvent = { type: 'ProductImageAdded', data: { productId, image: upload } };
    given([created, added])
      .when({
        type: 'SetImages',
        data: {
          productId,
          images: [
            { key: 'products/tee/side.webp', alt: 'side' },
            { key: upload.key, alt: 'the front' },
          ],
        },
      })
      .thenEmits([
        {
          type: 'ProductImagesSet',
          data: {
            productId,
            images: [
              { key: 'products/tee/side.webp', alt: 'side' },
              { ...upload, alt: 'the front' },
            ],
          },
        },
      ]);
    given([created, added])
      .when({ type: 'SetImages', data: { productId, images: [{ key: other, alt: '' }] } })
      .thenThrows(DomainError, 'image-not-uploaded');
    // Removed, an upload comes back by upload only.
    const cleared: ProductEvent = { type: 'ProductImagesSet', data: { productId, images: [] } };
    given([created, added, cleared])
      .when({ type: 'SetImages', data: { productId, images: [{ key: upload.key, alt: '' }] } })
      .thenThrows(DomainError, 'image-not-uploaded');
    given([created, added])
      .when({
        type: 'SetImages',
        data: {
          productId,
          images: [
            { key: upload.key, alt: '' },
            { key: upload.key, alt: 'twice' },
          ],
        },
      })
      .thenThrows(DomainError, 'image-repeated');
  });
});
