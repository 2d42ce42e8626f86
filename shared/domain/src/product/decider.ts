import type { Decider } from '../decider.ts';
import { DomainError, NotFoundError } from '../errors.ts';
import { eventSchema } from '../event-schemas.ts';
import {
  type ImageChoice,
  type ImageRef,
  MAX_IMAGES,
  MEDIA_ORIGINAL_KEY,
  type ProductDetails,
  ProductEvent,
  type Variant,
} from './events.ts';

export type CreateProduct = {
  type: 'CreateProduct';
  data: ProductDetails & { productId: string; variants: Variant[] };
};
export type AddVariant = { type: 'AddVariant'; data: Variant & { productId: string } };
export type RemoveVariant = { type: 'RemoveVariant'; data: { productId: string; sku: string } };
export type PublishProduct = { type: 'PublishProduct'; data: { productId: string } };
export type UnpublishProduct = { type: 'UnpublishProduct'; data: { productId: string } };
export type ArchiveProduct = { type: 'ArchiveProduct'; data: { productId: string } };
export type UpdateProductDetails = {
  type: 'UpdateProductDetails';
  data: { productId: string; changes: Partial<Omit<ProductDetails, 'options'>> };
};
export type UpdateVariant = {
  type: 'UpdateVariant';
  data: { productId: string; sku: string; changes: Partial<Pick<Variant, 'prices' | 'weightGrams'>> };
};
export type ChangeOptions = { type: 'ChangeOptions'; data: { productId: string; options: ProductDetails['options'] } };
/** The whole list, in order (the first is the cover): reorders, changes alt texts, and leaves images out. */
export type SetImages = { type: 'SetImages'; data: { productId: string; images: ImageChoice[] } };
/** An uploaded image, stored already; added last, unless the product has it. */
export type AddImage = { type: 'AddImage'; data: { productId: string; image: ImageRef } };
export type ProductCommand =
  | CreateProduct
  | UpdateProductDetails
  | ChangeOptions
  | SetImages
  | AddImage
  | AddVariant
  | UpdateVariant
  | RemoveVariant
  | PublishProduct
  | UnpublishProduct
  | ArchiveProduct;

type Existing = {
  productId: string;
  handle: string;
  options: ProductDetails['options'];
  variants: ReadonlyMap<string, Variant>;
  images: readonly ImageRef[];
};
export type Product =
  | { status: 'none' }
  | (Existing & { status: 'draft' | 'published' })
  | (Existing & { status: 'archived' });

export const MAX_VARIANTS = 100;

export const initialState = (): Product => ({ status: 'none' });

export const evolve = (state: Product, event: ProductEvent): Product => {
  switch (event.type) {
    case 'ProductCreated':
      return {
        status: 'draft',
        productId: event.data.productId,
        handle: event.data.handle,
        options: event.data.options,
        variants: new Map(),
        images: [],
      };
    case 'ProductOptionsChanged':
      return state.status === 'none' ? state : { ...state, options: event.data.options };
    case 'ProductImagesSet':
      return state.status === 'none' ? state : { ...state, images: event.data.images };
    case 'ProductImageAdded':
      return state.status === 'none' ? state : { ...state, images: [...state.images, event.data.image] };
    case 'ProductDetailsUpdated':
      return state.status === 'none' ? state : { ...state, handle: event.data.changes.handle ?? state.handle };
    case 'VariantUpdated': {
      if (state.status === 'none') return state;
      const variant = state.variants.get(event.data.sku);
      if (!variant) return state;
      return { ...state, variants: new Map(state.variants).set(variant.sku, { ...variant, ...event.data.changes }) };
    }
    case 'VariantAdded': {
      if (state.status === 'none') return state;
      const { productId: _, ...variant } = event.data;
      return { ...state, variants: new Map(state.variants).set(variant.sku, variant) };
    }
    case 'VariantRemoved': {
      if (state.status === 'none') return state;
      const variants = new Map(state.variants);
      variants.delete(event.data.sku);
      return { ...state, variants };
    }
    case 'ProductPublished':
      return state.status === 'none' ? state : { ...state, status: 'published' };
    case 'ProductUnpublished':
      return state.status === 'none' ? state : { ...state, status: 'draft' };
    case 'ProductArchived':
      return state.status === 'none' ? state : { ...state, status: 'archived' };
    default: {
      const _exhaustive: never = event;
      return state;
    }
  }
};

function requireChangeable(state: Product): Existing & { status: 'draft' | 'published' } {
  if (state.status === 'none') throw new NotFoundError('Product');
  if (state.status === 'archived')
    throw new DomainError('product-archived', 'An archived product can no longer change.');
  return state;
}

/** A variant names exactly one allowed value of each product option, and no other keys. */
function checkOptionValues(options: ProductDetails['options'], variant: Variant): void {
  const names = options.map((o) => o.name);
  const given = Object.keys(variant.optionValues);
  if (given.length !== names.length || !names.every((n) => given.includes(n))) {
    throw new DomainError(
      'variant-options',
      `Variant ${variant.sku} must name a value for each option: ${names.join(', ') || 'none'}.`,
    );
  }
  for (const option of options) {
    if (!option.values.includes(variant.optionValues[option.name]!)) {
      throw new DomainError(
        'variant-options',
        `${variant.optionValues[option.name]} is not a value of ${option.name}.`,
      );
    }
  }
}

function checkVariant(
  options: ProductDetails['options'],
  variants: ReadonlyMap<string, Variant>,
  variant: Variant,
): void {
  if (variants.has(variant.sku))
    throw new DomainError('sku-taken', `The product has a variant ${variant.sku} already.`);
  checkOptionValues(options, variant);
  const names = options.map((o) => o.name);
  const same = [...variants.values()].find((v) => names.every((n) => v.optionValues[n] === variant.optionValues[n]));
  if (same && names.length > 0)
    throw new DomainError('variant-options', `Variant ${same.sku} has these option values already.`);
  if (variants.size >= MAX_VARIANTS)
    throw new DomainError('too-many-variants', `A product has at most ${MAX_VARIANTS} variants.`);
}

const create = ({ data }: CreateProduct, state: Product): ProductEvent[] => {
  if (state.status !== 'none') throw new DomainError('product-exists', 'This product exists already.');
  const { variants, ...details } = data;
  let product: Product = evolve(state, { type: 'ProductCreated', data: details });
  const events: ProductEvent[] = [{ type: 'ProductCreated', data: details }];
  for (const variant of variants) {
    const added = addVariant({ type: 'AddVariant', data: { ...variant, productId: data.productId } }, product);
    events.push(...added);
    product = added.reduce(evolve, product);
  }
  return events;
};

const addVariant = ({ data }: AddVariant, state: Product): ProductEvent[] => {
  const product = requireChangeable(state);
  const { productId: _, ...variant } = data;
  checkVariant(product.options, product.variants, variant);
  return [{ type: 'VariantAdded', data }];
};

const removeVariant = ({ data }: RemoveVariant, state: Product): ProductEvent[] => {
  const product = requireChangeable(state);
  if (!product.variants.has(data.sku)) throw new NotFoundError('Variant');
  if (product.status === 'published' && product.variants.size === 1) {
    throw new DomainError('last-variant', 'A published product keeps at least one variant; unpublish it first.');
  }
  return [{ type: 'VariantRemoved', data }];
};

const publish = ({ data }: PublishProduct, state: Product): ProductEvent[] => {
  const product = requireChangeable(state);
  if (product.variants.size === 0)
    throw new DomainError('no-variants', 'A product needs a variant before it can be published.');
  if (product.status === 'published') throw new DomainError('already-published', 'The product is published already.');
  return [{ type: 'ProductPublished', data }];
};

const unpublish = ({ data }: UnpublishProduct, state: Product): ProductEvent[] => {
  if (requireChangeable(state).status !== 'published')
    throw new DomainError('not-published', 'The product is not published.');
  return [{ type: 'ProductUnpublished', data }];
};

const archive = ({ data }: ArchiveProduct, state: Product): ProductEvent[] => {
  requireChangeable(state);
  return [{ type: 'ProductArchived', data }];
};

const updateDetails = ({ data }: UpdateProductDetails, state: Product): ProductEvent[] => {
  requireChangeable(state);
  return [{ type: 'ProductDetailsUpdated', data }];
};

const changeOptions = ({ data }: ChangeOptions, state: Product): ProductEvent[] => {
  const product = requireChangeable(state);
  for (const option of data.options) {
    if (new Set(option.values).size !== option.values.length)
      throw new DomainError('option-values', `${option.name} names a value twice.`);
  }
  // Every variant must still be a valid choice under the new options.
  for (const variant of product.variants.values()) checkOptionValues(data.options, variant);
  return [{ type: 'ProductOptionsChanged', data }];
};

const setImages = ({ data }: SetImages, state: Product): ProductEvent[] => {
  const product = requireChangeable(state);
  if (new Set(data.images.map((i) => i.key)).size !== data.images.length)
    throw new DomainError('image-repeated', 'An image key appears twice.');
  const known = new Map(product.images.map((i) => [i.key, i]));
  const images = data.images.map(({ key, alt }): ImageRef => {
    const had = known.get(key);
    // An uploaded image keeps the size its upload measured; one it never had comes by upload.
    if (had) return { ...had, alt };
    if (MEDIA_ORIGINAL_KEY.test(key))
      throw new DomainError('image-not-uploaded', `${key} is not an image of this product: upload it to the product.`);
    return { key, alt };
  });
  return [{ type: 'ProductImagesSet', data: { productId: data.productId, images } }];
};

const addImage = ({ data }: AddImage, state: Product): ProductEvent[] => {
  const product = requireChangeable(state);
  // The same upload again: the product has it already, nothing to record.
  if (product.images.some((i) => i.key === data.image.key)) return [];
  if (product.images.length >= MAX_IMAGES)
    throw new DomainError('too-many-images', `A product has at most ${MAX_IMAGES} images; remove one first.`);
  return [{ type: 'ProductImageAdded', data }];
};

const updateVariant = ({ data }: UpdateVariant, state: Product): ProductEvent[] => {
  if (!requireChangeable(state).variants.has(data.sku)) throw new NotFoundError('Variant');
  return [{ type: 'VariantUpdated', data }];
};

export const decide = (command: ProductCommand, state: Product): ProductEvent[] => {
  switch (command.type) {
    case 'CreateProduct':
      return create(command, state);
    case 'UpdateProductDetails':
      return updateDetails(command, state);
    case 'ChangeOptions':
      return changeOptions(command, state);
    case 'SetImages':
      return setImages(command, state);
    case 'AddImage':
      return addImage(command, state);
    case 'AddVariant':
      return addVariant(command, state);
    case 'UpdateVariant':
      return updateVariant(command, state);
    case 'RemoveVariant':
      return removeVariant(command, state);
    case 'PublishProduct':
      return publish(command, state);
    case 'UnpublishProduct':
      return unpublish(command, state);
    case 'ArchiveProduct':
      return archive(command, state);
    default: {
      const _exhaustive: never = command;
      throw new Error('unknown command');
    }
  }
};

export const productDecider: Decider<ProductCommand, ProductEvent, Product> = {
  decide,
  evolve,
  initialState,
  // 2: ProductImageAdded, and an image's width and height (added only: a v1 event reads as it is).
  events: eventSchema(ProductEvent, { version: 2 }),
};
