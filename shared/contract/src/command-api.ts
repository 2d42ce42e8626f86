import { LineQuantity, Sku } from '@flowdose/domain/cart/events';
import { SHIPPING_METHODS } from '@flowdose/domain/checkout/rates';
import { AddressChanges, MAX_SAVED_ADDRESSES } from '@flowdose/domain/customer/events';
import { DiscountCode, DiscountValue, PerCurrency } from '@flowdose/domain/discount/events';
import { Id } from '@flowdose/domain/ids';
import { Reason } from '@flowdose/domain/inventory/events';
import { Currency } from '@flowdose/domain/money';
import { Address } from '@flowdose/domain/order/events';
import { STAFF_STEPS, type StaffStep } from '@flowdose/domain/order/lifecycle';
import {
  ImageChoice,
  MAX_IMAGES,
  ProductDetails,
  ProductDetailsChanges,
  Variant,
  VariantChanges,
} from '@flowdose/domain/product/events';
import { MAX_IMAGE_BYTES, RENDITION_FORMATS } from '@flowdose/domain/product/media';
import { SkipReason } from '@flowdose/domain/projection/events';
import { z } from 'zod';
import { ImageView, NoBody, Position, PositionAnswer } from './common.ts';
import { Email, Password } from './credentials.ts';
import { DeadLetter } from './query-api.ts';
import { type ApiContract, probeRoutes, type RouteContract } from './routes.ts';

// Requests: what each route validates its body with.

export const Credentials = z.strictObject({ email: Email, password: Password });
// Logging in only checks what was sent; the password rules apply when one is chosen.
export const Login = z.strictObject({ email: Email, password: z.string().min(1).max(128) });
// A shopper may bring the guest cart they filled before signing in (with its X-Cart-Token).
export const CustomerLogin = Login.extend({ guestCartId: z.string().max(64).optional() });
export const Registration = Credentials.extend({ guestCartId: z.string().max(64).optional() });
export const Refresh = z.strictObject({ refreshToken: z.string().min(1).max(256) });
// The current password is only checked, like a login's; the new one obeys the registration rules.
export const PasswordChange = z.strictObject({ currentPassword: Login.shape.password, newPassword: Password });

/** A saved address: the fields checkout takes. A change names only the fields it changes. */
export const AddressBody = Address;
export const AddressChangesBody = AddressChanges.refine((changes) => Object.keys(changes).length > 0, {
  message: 'name at least one field to change',
});
export const OpenCartBody = z.strictObject({ currency: Currency });
export const AddItemBody = z.strictObject({ sku: Sku, quantity: LineQuantity });
export const ChangeQuantityBody = z.strictObject({ quantity: LineQuantity });
export const CheckoutBody = z.strictObject({
  email: Email,
  shippingAddress: Address,
  shippingMethod: z.enum(SHIPPING_METHODS),
  payment: z.strictObject({
    method: z.literal('test-card'),
    cardNumber: z.string().regex(/^\d{12,19}$/, '12 to 19 digits'),
  }),
  discountCode: DiscountCode.optional(),
});

export const NewProduct = ProductDetails.extend({ variants: z.array(Variant).max(100) });
export const ProductChangesBody = ProductDetailsChanges;
export const NewVariantBody = Variant;
export const VariantChangesBody = VariantChanges;
export const OptionsBody = z.strictObject({ options: ProductDetails.shape.options });
/** The whole list in order (the first is the cover): reorder, change alt texts, leave an image out to remove it. */
export const ImagesBody = z.strictObject({ images: z.array(ImageChoice).max(MAX_IMAGES) });
/** The upload's form fields (the file itself is read by the route: its bytes, not a schema). */
export const ImageUploadFields = z.strictObject({ alt: ImageChoice.shape.alt.default('') });
/** The upload as OpenAPI describes it: a multipart form. */
export const ImageUploadForm = z.object({
  file: z.string().meta({
    format: 'binary',
    description: `The image: JPEG, PNG, WebP or AVIF (told by its bytes), at most ${MAX_IMAGE_BYTES / 1024 / 1024} MB.`,
  }),
  alt: z.string().max(200).optional().meta({ description: 'Its alt text.' }),
});

export const RestockBody = z.strictObject({ quantity: z.number().int().positive().max(1_000_000), reason: Reason });
export const AdjustBody = z.strictObject({ delta: z.number().int().min(-1_000_000).max(1_000_000), reason: Reason });

export const NewDiscount = z.strictObject({
  code: DiscountCode,
  value: DiscountValue.refine(
    (v) => v.kind === 'percent' || Object.keys(v.amountOff).length > 0,
    'a fixed discount names an amount in at least one currency',
  ),
  minimumSubtotal: PerCurrency.default({}),
  validFrom: z.iso.datetime({ offset: true }).nullable().default(null),
  validUntil: z.iso.datetime({ offset: true }).nullable().default(null),
  usageLimit: z.number().int().positive().max(10_000_000).nullable().default(null),
});
export const DisableDiscountBody = z.strictObject({ reason: Reason });

export const ShipBody = z.strictObject({ trackingNumber: z.string().trim().min(1).max(100) });
export const CancelBody = z.strictObject({ reason: Reason });
export const RefundBody = z.strictObject({ amount: z.number().int().positive().safe(), reason: Reason });

/** What the payment provider posts (its signature covers the raw body). */
export const PaymentEvent = z.object({
  id: z.string().min(1).max(100),
  type: z.enum(['payment.succeeded', 'payment.failed']),
  orderId: Id,
  paymentId: z.string().min(1).max(100),
});

// Answers.

const Tokens = { accessToken: z.string(), refreshToken: z.string() };
export const RegisteredAnswer = z
  .object({ customerId: Id, ...Tokens, cartId: Id.nullable(), position: Position })
  .meta({ id: 'Registered' });
export const CustomerLoginAnswer = z
  .object({ customerId: Id, ...Tokens, cartId: Id.nullable(), position: Position.optional() })
  .meta({ id: 'CustomerSession' });
export const StaffLoginAnswer = z.object({ userId: Id, ...Tokens }).meta({ id: 'StaffSession' });
export const TokensAnswer = z.object(Tokens).meta({ id: 'Tokens' });
export const PasswordChangedAnswer = z
  .object({
    otherSessionsRevoked: z
      .number()
      .int()
      .meta({ description: "How many of the customer's other sessions were signed out (the caller's stays)." }),
  })
  .meta({ id: 'PasswordChanged' });
export type PasswordChangedAnswer = z.infer<typeof PasswordChangedAnswer>;
export const CartOpenedAnswer = z
  .object({ cartId: Id, cartToken: z.string(), position: Position })
  .meta({ id: 'CartOpened' });
export const LineAnswer = z.object({ lineId: Id, position: Position });
export const AddressSavedAnswer = z.object({ addressId: Id, position: Position }).meta({ id: 'AddressSaved' });
export type AddressSavedAnswer = z.infer<typeof AddressSavedAnswer>;
export const OrderPlacedAnswer = z.object({ orderId: Id, position: Position });
export const ProductCreatedAnswer = z.object({ productId: Id, position: Position });
export const ImageUploadedAnswer = z
  .object({
    productId: Id,
    image: ImageView.extend({
      renditions: z
        .array(z.object({ width: z.number().int(), format: z.enum(RENDITION_FORMATS), url: z.string() }))
        .meta({ description: 'Every rendition, made by a job after the answer: each URL answers 404 until then.' }),
      ready: z
        .boolean()
        .meta({ description: 'Whether every rendition is made already (the same file uploaded before).' }),
    }),
    position: Position,
  })
  .meta({ id: 'ImageUploaded' });
export type ImageUploadedAnswer = z.infer<typeof ImageUploadedAnswer>;
export const DiscountCreatedAnswer = z.object({ code: z.string(), position: Position });
export const RebuildAnswer = z.object({ jobId: z.string(), state: z.string() });
/** Skipping leaves the read model without the event: staff say why, for the audit. */
export const SkipDeadLetterBody = z.strictObject({ reason: SkipReason });
export const RetryDeadLetterBody = z.strictObject({ reason: SkipReason.optional() });
export const DeadLetterAnswer = z.object({
  deadLetter: DeadLetter,
  position: Position.nullable().meta({
    description: "The DeadLetterSkipped event's position (a skip); null for a retry, which appends nothing.",
  }),
  correlationId: z
    .string()
    .nullable()
    .meta({ description: 'The request the skip event belongs to (GET /admin/correlations/:id); null for a retry.' }),
});
export type DeadLetterAnswer = z.infer<typeof DeadLetterAnswer>;
export const WebhookAnswer = z.object({ received: z.literal(true) });
export const Appended = PositionAnswer.meta({ id: 'Appended' });

// The answers' types, as the storefront reads them.
export type RegisteredAnswer = z.infer<typeof RegisteredAnswer>;
export type CustomerLoginAnswer = z.infer<typeof CustomerLoginAnswer>;
export type CartOpenedAnswer = z.infer<typeof CartOpenedAnswer>;
export type LineAnswer = z.infer<typeof LineAnswer>;
export type OrderPlacedAnswer = z.infer<typeof OrderPlacedAnswer>;

const appended = { 200: { description: 'Done: the position of the events appended.', schema: Appended } };
const created = (schema: z.ZodType, description: string) => ({ 201: { description, schema } });

const cart = { tag: 'carts', credentials: ['cartToken', 'bearer'], idempotent: true } as const;
const admin = { credentials: ['bearer'], roles: ['admin'], idempotent: true } as const;
const addressBook = { tag: 'accounts', credentials: ['bearer'], idempotent: true } as const;

const productLifecycle = (['publish', 'unpublish', 'archive'] as const).map(
  (action): RouteContract => ({
    method: 'post',
    path: `/admin/products/:productId/${action}`,
    summary: `${action[0]!.toUpperCase()}${action.slice(1)} a product`,
    tag: 'catalog',
    ...admin,
    answers: appended,
  }),
);

/** Who keeps the stock (restock, adjust): ops run the warehouse beside admins. */
export const STOCK_ROLES = ['admin', 'ops'] as const;
const stock = { credentials: ['bearer'], roles: STOCK_ROLES, idempotent: true } as const;

/** Who may take each order step: ops move goods; money goes back only on an admin's word. */
export const ORDER_STEP_ROLES = {
  capture: ['admin', 'ops'],
  fulfil: ['admin', 'ops'],
  ship: ['admin', 'ops'],
  deliver: ['admin', 'ops'],
  cancel: ['admin'],
  refund: ['admin'],
} as const satisfies Record<StaffStep, readonly string[]>;

/** Each step staff take is a route `/admin/orders/:orderId/<step>`: what it is called and what it takes. */
const ORDER_STEP_ROUTES: Record<StaffStep, { summary: string; body: z.ZodType }> = {
  capture: { summary: 'Capture the payment', body: NoBody },
  fulfil: { summary: 'Mark the order fulfilled', body: NoBody },
  ship: { summary: 'Ship the order', body: ShipBody },
  deliver: { summary: 'Mark the order delivered', body: NoBody },
  cancel: { summary: 'Cancel the order (releases stock, voids or refunds the payment)', body: CancelBody },
  refund: { summary: 'Refund part or all of what was captured', body: RefundBody },
};

const orderStep = (step: StaffStep): RouteContract => ({
  method: 'post',
  path: `/admin/orders/:orderId/${step}`,
  summary: ORDER_STEP_ROUTES[step].summary,
  tag: 'orders',
  credentials: ['bearer'],
  roles: ORDER_STEP_ROLES[step],
  idempotent: true,
  body: ORDER_STEP_ROUTES[step].body,
  answers: appended,
});

export const commandApi: ApiContract = {
  title: 'Flowdose command API',
  description:
    'Every change is a command that appends events. Commands answer the position of what they appended: ' +
    'hand it to the query API as X-Min-Position to read your own writes. Refusals are problem documents.',
  routes: [
    ...probeRoutes('Postgres and Redis answer'),
    {
      method: 'post',
      path: '/webhooks/payments',
      summary: 'How a payment that needed confirmation ended (from the payment provider)',
      description: 'Signed over the raw body (5 min tolerance); a repeated delivery changes nothing.',
      tag: 'payments',
      credentials: ['webhookSignature'],
      body: PaymentEvent,
      answers: { 200: { description: 'Received.', schema: WebhookAnswer } },
    },
    {
      method: 'post',
      path: '/auth/register',
      summary: 'Register a customer',
      description: 'A guest cart given with its X-Cart-Token becomes the new customer’s.',
      tag: 'accounts',
      body: Registration,
      answers: created(RegisteredAnswer, 'Registered and signed in.'),
    },
    {
      method: 'post',
      path: '/auth/login',
      summary: 'Sign a customer in',
      description: 'A guest cart given with its X-Cart-Token becomes theirs, or is merged into their open cart.',
      tag: 'accounts',
      body: CustomerLogin,
      answers: { 200: { description: 'Signed in.', schema: CustomerLoginAnswer } },
    },
    {
      method: 'post',
      path: '/admin/auth/login',
      summary: 'Sign a staff member in',
      tag: 'accounts',
      body: Login,
      answers: { 200: { description: 'Signed in.', schema: StaffLoginAnswer } },
    },
    {
      method: 'post',
      path: '/auth/refresh',
      summary: 'Rotate a refresh token',
      description: 'A rotated token presented again revokes the whole session.',
      tag: 'accounts',
      body: Refresh,
      answers: { 200: { description: 'New tokens.', schema: TokensAnswer } },
    },
    {
      method: 'post',
      path: '/auth/logout',
      summary: 'Sign out (revoke the session)',
      tag: 'accounts',
      credentials: ['bearer'],
      answers: { 204: { description: 'Signed out.' } },
    },
    {
      method: 'post',
      path: '/me/password',
      summary: "Change the signed-in customer's password",
      description:
        'The current password is required (a wrong one is a 400 on currentPassword, counted like a failed login). ' +
        "Every other session of the customer is revoked; the caller's own stays signed in. Customers only.",
      tag: 'accounts',
      credentials: ['bearer'],
      body: PasswordChange,
      answers: { 200: { description: 'Changed.', schema: PasswordChangedAnswer } },
    },
    {
      method: 'post',
      path: '/me/addresses',
      summary: "Save an address in the signed-in customer's address book",
      description: `Customers only. At most ${MAX_SAVED_ADDRESSES} are kept: another is a 409 too-many-addresses.`,
      ...addressBook,
      body: AddressBody,
      answers: created(AddressSavedAnswer, 'Saved.'),
    },
    {
      method: 'patch',
      path: '/me/addresses/:addressId',
      summary: 'Change some fields of a saved address',
      description: 'An empty line2 takes the second line away. Another customer’s address is a 404.',
      ...addressBook,
      body: AddressChangesBody,
      answers: appended,
    },
    {
      method: 'delete',
      path: '/me/addresses/:addressId',
      summary: 'Remove a saved address',
      description: 'Another customer’s address is a 404.',
      ...addressBook,
      answers: appended,
    },
    {
      method: 'post',
      path: '/carts',
      summary: 'Open a cart',
      description: 'Signed in as a customer, the cart is theirs; otherwise it answers to its cartToken.',
      tag: 'carts',
      idempotent: true,
      body: OpenCartBody,
      answers: created(CartOpenedAnswer, 'Opened.'),
    },
    {
      method: 'post',
      path: '/carts/:cartId/items',
      summary: 'Add a line (the same SKU again grows its line)',
      ...cart,
      body: AddItemBody,
      answers: created(LineAnswer, 'Added.'),
    },
    {
      method: 'patch',
      path: '/carts/:cartId/items/:lineId',
      summary: "Change a line's quantity",
      ...cart,
      body: ChangeQuantityBody,
      answers: appended,
    },
    {
      method: 'delete',
      path: '/carts/:cartId/items/:lineId',
      summary: 'Remove a line',
      ...cart,
      answers: appended,
    },
    {
      method: 'post',
      path: '/carts/:cartId/checkout',
      summary: 'Check out: reserve, redeem, authorize the payment, place the order',
      description: '503 process-incomplete: retry with the same Idempotency-Key.',
      ...cart,
      body: CheckoutBody,
      answers: created(OrderPlacedAnswer, 'The order is placed.'),
    },
    {
      method: 'post',
      path: '/admin/projections/:name/rebuild',
      summary: 'Rebuild a read model (one rebuild of a projection at a time)',
      tag: 'operations',
      credentials: ['bearer'],
      roles: ['ops', 'admin'],
      answers: { 202: { description: 'Queued, or the rebuild already under way.', schema: RebuildAnswer } },
    },
    {
      method: 'post',
      path: '/admin/projections/:name/dead-letters/:position/retry',
      summary: 'Apply a quarantined event again (after a fix); the projection goes on from it',
      description: 'Failing again, it is quarantined again. 409 dead-letter-not-quarantined once retried or skipped.',
      tag: 'operations',
      credentials: ['bearer'],
      roles: ['ops', 'admin'],
      body: RetryDeadLetterBody,
      answers: {
        200: { description: 'Marked for retry; the worker applies it within seconds.', schema: DeadLetterAnswer },
      },
    },
    {
      method: 'post',
      path: '/admin/projections/:name/dead-letters/:position/skip',
      summary: 'Pass over a quarantined event: the read model stays without it',
      description:
        'Records DeadLetterSkipped (who, when, why) on projection-<name>, shown by the audit. 409 dead-letter-not-quarantined once retried or skipped.',
      tag: 'operations',
      credentials: ['bearer'],
      roles: ['ops', 'admin'],
      body: SkipDeadLetterBody,
      answers: { 200: { description: 'Skipped; the worker moves over it within seconds.', schema: DeadLetterAnswer } },
    },
    {
      method: 'post',
      path: '/admin/products',
      summary: 'Create a product with its variants',
      tag: 'catalog',
      ...admin,
      body: NewProduct,
      answers: created(ProductCreatedAnswer, 'Created.'),
    },
    {
      method: 'patch',
      path: '/admin/products/:productId',
      summary: "Change a product's details (a new handle frees the old one)",
      tag: 'catalog',
      ...admin,
      body: ProductChangesBody,
      answers: appended,
    },
    {
      method: 'patch',
      path: '/admin/products/:productId/variants/:sku',
      summary: 'Change a variant (new prices replace the old set)',
      tag: 'catalog',
      ...admin,
      body: VariantChangesBody,
      answers: appended,
    },
    {
      method: 'post',
      path: '/admin/products/:productId/variants',
      summary: 'Add a variant',
      tag: 'catalog',
      ...admin,
      body: NewVariantBody,
      answers: created(Appended, 'Added.'),
    },
    {
      method: 'delete',
      path: '/admin/products/:productId/variants/:sku',
      summary: 'Remove a variant',
      tag: 'catalog',
      ...admin,
      answers: appended,
    },
    {
      method: 'put',
      path: '/admin/products/:productId/options',
      summary: "Set a product's options (a value a variant uses stays)",
      tag: 'catalog',
      ...admin,
      body: OptionsBody,
      answers: appended,
    },
    {
      method: 'post',
      path: '/admin/products/:productId/images',
      summary: 'Upload an image to a product (added last; the first image is the cover)',
      description:
        'multipart/form-data with the image in `file` and an optional `alt`. Its type is told by its bytes ' +
        '(JPEG, PNG, WebP, AVIF; anything else 415), at most 10 MB (413) and 40 megapixels (422). Its metadata ' +
        '(EXIF, GPS) is stripped and it is turned upright; it is stored once by the SHA-256 of the file, so the ' +
        'same file again stores nothing more, and one the product has already answers 200 with it. Renditions ' +
        '(160, 320, 640 and 1280 px wide, never wider than the original, AVIF and WebP) are made by a job after ' +
        'the answer, which gives their URLs and whether they are ready.',
      tag: 'catalog',
      ...admin,
      body: ImageUploadForm,
      bodyMediaType: 'multipart/form-data',
      answers: {
        201: { description: 'Added to the product.', schema: ImageUploadedAnswer },
        200: { description: 'The product has this image already: nothing recorded.', schema: ImageUploadedAnswer },
      },
    },
    {
      method: 'put',
      path: '/admin/products/:productId/images',
      summary: "Set a product's images: order (the first is the cover), alt texts, removals",
      description:
        'The whole list by key. An uploaded image (media/<hash>/original) must be one of the product’s: it keeps ' +
        'its size; left out, it is removed from the product (its bytes stay in the blob store). A key of another ' +
        'form names a blob put in the store by other means.',
      tag: 'catalog',
      ...admin,
      body: ImagesBody,
      answers: appended,
    },
    ...productLifecycle,
    {
      method: 'post',
      path: '/admin/inventory/:sku/restock',
      summary: 'Restock a SKU',
      tag: 'inventory',
      ...stock,
      body: RestockBody,
      answers: appended,
    },
    {
      method: 'post',
      path: '/admin/inventory/:sku/adjust',
      summary: "Adjust a SKU's stock (never below what is reserved)",
      tag: 'inventory',
      ...stock,
      body: AdjustBody,
      answers: appended,
    },
    {
      method: 'post',
      path: '/admin/discounts',
      summary: 'Create a discount code',
      tag: 'discounts',
      ...admin,
      body: NewDiscount,
      answers: created(DiscountCreatedAnswer, 'Created.'),
    },
    {
      method: 'post',
      path: '/admin/discounts/:code/disable',
      summary: 'Disable a discount code',
      tag: 'discounts',
      ...admin,
      body: DisableDiscountBody,
      answers: appended,
    },
    ...STAFF_STEPS.map(orderStep),
  ],
};
