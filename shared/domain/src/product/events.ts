import { z } from 'zod';
import { Sku } from '../cart/events.ts';
import { Id } from '../ids.ts';
import { Currency } from '../money.ts';

export const Handle = z
  .string()
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'lower-case words joined by dashes')
  .max(120);
export const Category = z
  .string()
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'lower-case words joined by dashes')
  .max(60);
const Text = (max: number) => z.string().trim().min(1).max(max);
export const ProductOption = z.strictObject({
  name: Text(40),
  values: z.array(Text(40)).min(1).max(30),
});
/** Price per currency in integer minor units; at least one currency. */
export const Prices = z
  .partialRecord(Currency, z.number().int().positive().max(100_000_000))
  .refine((p) => Object.keys(p).length > 0, 'at least one currency');
export const Variant = z.strictObject({
  sku: Sku,
  optionValues: z.record(z.string().max(40), z.string().max(40)),
  prices: Prices,
  weightGrams: z.number().int().min(0).max(1_000_000),
});
export type Variant = z.infer<typeof Variant>;

export const ProductDetails = z.strictObject({
  title: Text(200),
  handle: Handle,
  description: z.string().max(10_000),
  category: Category,
  tags: z.array(Category).max(30),
  options: z.array(ProductOption).max(3),
});
export type ProductDetails = z.infer<typeof ProductDetails>;

export const ProductCreated = z.object({
  type: z.literal('ProductCreated'),
  data: ProductDetails.extend({ productId: Id }),
});
/** Only the fields that changed; options are fixed once variants use them. */
export const ProductDetailsChanges = ProductDetails.omit({ options: true })
  .partial()
  .refine((c) => Object.keys(c).length > 0, 'change at least one field');
export const ProductDetailsUpdated = z.object({
  type: z.literal('ProductDetailsUpdated'),
  data: z.object({ productId: Id, changes: ProductDetailsChanges }),
});
export const VariantChanges = z
  .strictObject({ prices: Prices, weightGrams: z.number().int().min(0).max(1_000_000) })
  .partial()
  .refine((c) => Object.keys(c).length > 0, 'change at least one field');
export const VariantUpdated = z.object({
  type: z.literal('VariantUpdated'),
  data: z.object({ productId: Id, sku: Sku, changes: VariantChanges }),
});
export const VariantAdded = z.object({
  type: z.literal('VariantAdded'),
  data: Variant.extend({ productId: Id }),
});
export const VariantRemoved = z.object({
  type: z.literal('VariantRemoved'),
  data: z.object({ productId: Id, sku: Sku }),
});
/** An uploaded image's original in the blob store: `media/<sha-256 of the uploaded file, hex>/original`. */
export const MEDIA_ORIGINAL_KEY = /^media\/([0-9a-f]{64})\/original$/;
/**
 * A blob-store key and its alt text; the first image is the product's cover. An uploaded image
 * (POST /admin/products/:productId/images) has a media key and its original's size as shown
 * (EXIF orientation applied), from which its renditions follow; a key set by hand has neither.
 */
export const ImageRef = z.strictObject({
  key: z
    .string()
    .max(300)
    .regex(
      /^(?:media\/[0-9a-f]{64}\/original|[A-Za-z0-9_-]+(?:\/[A-Za-z0-9_.-]+)*\.(?:jpg|jpeg|png|webp|avif))$/,
      "a blob key like products/tee/front.webp, or an uploaded image's media/<hash>/original",
    )
    .refine((k) => !k.includes('..'), 'no ".." in a key'),
  alt: z.string().trim().max(200),
  width: z.number().int().positive().max(100_000).optional(),
  height: z.number().int().positive().max(100_000).optional(),
});
export type ImageRef = z.infer<typeof ImageRef>;
/** What a client names when it sets the images: the key and alt text; the size stays the upload's. */
export const ImageChoice = ImageRef.pick({ key: true, alt: true });
export type ImageChoice = z.infer<typeof ImageChoice>;
export const MAX_IMAGES = 20;
export const Images = z.array(ImageRef).max(MAX_IMAGES);
export const ProductImagesSet = z.object({
  type: z.literal('ProductImagesSet'),
  data: z.object({ productId: Id, images: Images }),
});
/** An uploaded image, last in the product's list (the cover if it is the first). */
export const ProductImageAdded = z.object({
  type: z.literal('ProductImageAdded'),
  data: z.object({ productId: Id, image: ImageRef }),
});
/** Options may gain values (and names, before any variant exists); a value a variant uses stays. */
export const ProductOptionsChanged = z.object({
  type: z.literal('ProductOptionsChanged'),
  data: z.object({ productId: Id, options: z.array(ProductOption).max(3) }),
});
export const ProductPublished = z.object({ type: z.literal('ProductPublished'), data: z.object({ productId: Id }) });
export const ProductUnpublished = z.object({
  type: z.literal('ProductUnpublished'),
  data: z.object({ productId: Id }),
});
export const ProductArchived = z.object({ type: z.literal('ProductArchived'), data: z.object({ productId: Id }) });

export const ProductEvent = z.discriminatedUnion('type', [
  ProductCreated,
  ProductDetailsUpdated,
  ProductOptionsChanged,
  ProductImagesSet,
  ProductImageAdded,
  VariantAdded,
  VariantUpdated,
  VariantRemoved,
  ProductPublished,
  ProductUnpublished,
  ProductArchived,
]);
export type ProductEvent = z.infer<typeof ProductEvent>;
export const productEventTypes = ProductEvent.options.map((o) => o.shape.type.value);

export const productStream = (productId: string) => `product-${productId}`;
