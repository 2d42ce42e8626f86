import { Sku } from '@flowdose/domain/cart/events';
import { DiscountCode } from '@flowdose/domain/discount/events';
import { Id } from '@flowdose/domain/ids';
import { RENDITION_FORMATS } from '@flowdose/domain/product/media';
import { z } from 'zod';

/** A log position as the APIs hand it out: `"<transaction>.<sequence>"`, for `X-Min-Position`. */
export const Position = z.string().regex(/^\d+\.\d+$/);

/** What most commands answer: the position of the events they appended. */
export const PositionAnswer = z.object({ position: Position });

/** A command that takes no fields: an empty object, or no body at all. */
export const NoBody = z.strictObject({});

/** Every refusal and failure (RFC 9457), as `application/problem+json`. */
export const Problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    requestId: z.string().optional(),
  })
  .meta({ id: 'Problem' });
export type Problem = z.infer<typeof Problem>;

/** The path parameters the routes use, each as it is checked (a malformed id answers 404, not 400). */
export const PathParams = {
  cartId: Id,
  lineId: Id,
  orderId: Id,
  customerId: Id,
  addressId: Id,
  productId: Id,
  sku: Sku,
  code: DiscountCode,
  name: z.string().max(41),
  idOrHandle: z.string().max(120),
  // What attachContext accepts as a correlation id: nothing else can have been recorded.
  correlationId: z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/),
  streamId: z.string().max(300),
  position: Position,
  hash: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .meta({ description: 'The SHA-256 of the file as uploaded, hex.' }),
  file: z
    .string()
    .regex(/^(?:original|[1-9]\d{0,4}\.(?:avif|webp))$/)
    .meta({ description: '`original`, or a rendition: `<width>.<avif|webp>` (640.webp).' }),
} as const;

export const Health = z.object({ status: z.literal('ok'), service: z.string() });
export const Readiness = z.object({
  status: z.enum(['ok', 'unavailable']),
  service: z.string(),
  /** Each dependency's state: `"ok"`, or what is wrong. */
  dependencies: z.record(z.string(), z.string()),
});

/** A product image as the APIs answer it (product/media.ts imageView). */
export const ImageView = z
  .object({
    key: z.string().meta({ description: 'The blob key: what PUT /admin/products/:productId/images names it by.' }),
    alt: z.string(),
    width: z
      .number()
      .int()
      .nullable()
      .meta({ description: "The original's width as shown; null for a key set by hand." }),
    height: z.number().int().nullable(),
    url: z.string().nullable().meta({
      description: 'The original, metadata stripped (/media/<hash>/original, or under MEDIA_PUBLIC_BASE_URL).',
    }),
    srcset: z
      .record(z.enum(RENDITION_FORMATS), z.string())
      .nullable()
      .meta({ description: '`srcset` per format, narrowest first: "/media/<hash>/160.avif 160w, …".' }),
  })
  .meta({ id: 'Image' });

/** An image as product answers show it: ready once every rendition of its srcset is made. */
export const ShownImage = ImageView.extend({
  ready: z.boolean().meta({
    description:
      'Whether every rendition in srcset is made; until then a page shows something else (renditions take seconds).',
  }),
}).meta({ id: 'ShownImage' });
export type ShownImage = z.infer<typeof ShownImage>;
