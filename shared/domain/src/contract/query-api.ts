import { z } from 'zod';
import { Id } from '../ids.ts';
import { Currency, Money, STORE_CURRENCY } from '../money.ts';
import { Address, OrderLine, OrderTotals } from '../order/events.ts';
import { Category } from '../product/events.ts';
import { Limit, PositionCursorParam, VersionCursorParam } from './audit-cursor.ts';
import { Email } from './credentials.ts';
import { Cursor } from './cursor.ts';
import { type ApiContract, probeRoutes } from './routes.ts';

// Requests: what each route validates its query string with.

const Price = z.coerce.number().int().min(0).max(100_000_000);
export const ProductListQuery = z
  .strictObject({
    currency: Currency.default(STORE_CURRENCY),
    category: Category.optional(),
    tag: Category.optional(),
    q: z.string().trim().min(1).max(100).optional(),
    minPrice: Price.optional(),
    maxPrice: Price.optional(),
    inStock: z
      .enum(['true', 'false'])
      .transform((v) => v === 'true')
      .optional(),
    sort: z.enum(['newest', 'title', 'price_asc', 'price_desc']).default('newest'),
    limit: z.coerce.number().int().min(1).max(100).default(24),
    cursor: Cursor.optional().meta({ description: 'nextCursor of the previous page, with the same sort.' }),
  })
  .refine(
    // A cursor only this sort could have made: its key's type, and a product id.
    ({ sort, cursor }) =>
      !cursor || (Id.safeParse(cursor[1]).success && typeof cursor[0] === (sort === 'title' ? 'string' : 'number')),
    { path: ['cursor'], message: 'not a cursor from a previous page of this sort' },
  );

export const ORDER_STATUSES = [
  'placed',
  'authorized',
  'captured',
  'fulfilled',
  'shipped',
  'delivered',
  'canceled',
] as const;
const When = z.iso
  .datetime({ offset: true })
  .or(z.iso.date())
  .transform((s) => new Date(s));
export const OrderListQuery = z.strictObject({
  status: z.enum(ORDER_STATUSES).optional(),
  from: When.optional(),
  to: When.optional(),
  customer: z
    .union([Id.transform((id) => ({ id })), Email.transform((email) => ({ email }))])
    .optional()
    .meta({ description: 'A customer id, or an email (guests have only that).' }),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: Cursor.refine(
    ([at, id]) => typeof at === 'string' && !Number.isNaN(Date.parse(at)) && Id.safeParse(id).success,
    'not a cursor from a previous page',
  )
    .optional()
    .meta({ description: 'nextCursor of the previous page.' }),
});

// Answers: what the read models hold, as each route answers it.

const Image = z.object({ key: z.string(), alt: z.string() });
const NextCursor = z.string().nullable().meta({ description: 'The next page’s cursor; null on the last page.' });

export const CartView = z
  .object({
    cartId: Id,
    customerId: Id.nullable(),
    currency: Currency,
    status: z.enum(['open', 'checked_out', 'merged']),
    lines: z.array(
      z.object({ lineId: Id, sku: z.string(), quantity: z.number().int(), unitPrice: Money, lineTotal: Money }),
    ),
    totals: z.object({ itemCount: z.number().int(), subtotal: Money }),
    updatedAt: z.string(),
  })
  .meta({ id: 'Cart' });

export const ProductListItem = z
  .object({
    productId: Id,
    handle: z.string(),
    title: z.string(),
    category: z.string(),
    tags: z.array(z.string()),
    price: Money.meta({ description: 'The lowest price of its variants in the asked currency.' }),
    inStock: z.boolean(),
    image: Image.nullable().meta({ description: 'The cover image.' }),
    createdAt: z.string(),
  })
  .meta({ id: 'ProductListItem' });
export const ProductPage = z.object({ items: z.array(ProductListItem), nextCursor: NextCursor });

export const Categories = z.object({
  items: z.array(z.object({ category: z.string(), products: z.number().int() })),
});

export const ProductDetail = z
  .object({
    productId: Id,
    handle: z.string(),
    title: z.string(),
    description: z.string(),
    category: z.string(),
    tags: z.array(z.string()),
    options: z.array(z.object({ name: z.string(), values: z.array(z.string()) })),
    images: z.array(Image),
    variants: z.array(
      z.object({
        sku: z.string(),
        optionValues: z.record(z.string(), z.string()),
        prices: z.array(Money),
        weightGrams: z.number().int(),
        available: z.number().int().meta({ description: 'Units free to order now.' }),
      }),
    ),
  })
  .meta({ id: 'Product' });

export const OrderView = z
  .object({
    orderId: Id,
    cartId: Id,
    customerId: Id.nullable(),
    email: z.string(),
    currency: Currency,
    status: z.enum(ORDER_STATUSES),
    // As the OrderPlaced event recorded them.
    lines: z.array(OrderLine),
    totals: OrderTotals,
    shippingAddress: Address,
    shippingMethod: z.string(),
    trackingNumber: z.string().nullable(),
    discountCode: z.string().nullable(),
    captured: z.number().int(),
    refunded: z.number().int(),
    history: z.array(z.object({ status: z.string(), at: z.string(), amount: z.number().int().optional() })),
    placedAt: z.string(),
  })
  .meta({ id: 'Order' });
export const CustomerOrders = z.object({ items: z.array(OrderView) });

// The answers' types, as the storefront reads them.
export type CartView = z.infer<typeof CartView>;
export type ProductListItem = z.infer<typeof ProductListItem>;
export type ProductPage = z.infer<typeof ProductPage>;
export type ProductDetail = z.infer<typeof ProductDetail>;
export type OrderView = z.infer<typeof OrderView>;
export type CustomerOrders = z.infer<typeof CustomerOrders>;

export const OrderSummary = z
  .object({
    orderId: Id,
    customerId: Id.nullable(),
    email: z.string(),
    status: z.enum(ORDER_STATUSES),
    currency: Currency,
    grandTotal: z.number().int(),
    placedAt: z.string(),
  })
  .meta({ id: 'OrderSummary' });
export const OrderPage = z.object({ items: z.array(OrderSummary), nextCursor: NextCursor });

// Loose for now: the projections service's own status type, not yet a schema of its own.
export const ProjectionStatuses = z.object({
  projections: z.array(z.looseObject({ name: z.string(), version: z.number().int(), state: z.string() })),
});

// The audit (reads of the log itself).
export const AuditPageQuery = z.strictObject({ cursor: PositionCursorParam.optional(), limit: Limit });
export const StreamPageQuery = z.strictObject({ cursor: VersionCursorParam.optional(), limit: Limit });
export const OrderStateQuery = z.strictObject({
  at: z
    .string()
    .regex(/^[1-9]\d{0,14}$/, 'a version of the order: a whole number from 1')
    .transform((s) => BigInt(s))
    .optional()
    .meta({ description: 'The version (1 = the first event); the latest when absent.' }),
});
export const NoQuery = z.strictObject({});

export const AuditItem = z.object({
  eventId: z.string(),
  streamId: z.string(),
  version: z.string(),
  position: z.string(),
  type: z.string(),
  data: z.unknown(),
  recordedAt: z.string(),
  actor: z.object({
    kind: z.enum(['customer', 'staff', 'guest', 'system']),
    id: z.string().nullable(),
    role: z.string(),
    email: z.string().nullable().meta({ description: "The account's email as it is now (not recorded in the log)." }),
  }),
  correlationId: z.string().nullable(),
  causationId: z.string().nullable(),
  idempotencyKey: z.string().nullable(),
  related: z.boolean().optional(),
});
/** A page of an order's, a correlation's or a stream's events. */
export const AuditEventsPage = z.object({ items: z.array(AuditItem), nextCursor: NextCursor });
const AuditPage = (key: string) => AuditEventsPage.extend({ [key]: z.string() });
export const OrderAtVersion = z.object({
  orderId: z.string(),
  version: z.string(),
  latestVersion: z.string(),
  event: AuditItem,
  state: z.looseObject({ status: z.string() }),
  changes: z.array(
    z.object({
      field: z.string(),
      kind: z.enum(['added', 'removed', 'changed']),
      before: z.unknown().optional(),
      after: z.unknown().optional(),
    }),
  ),
});
export const ReplayResult = z.object({
  orderId: z.string(),
  version: z.string(),
  consistent: z.boolean(),
  differences: z.array(z.object({ field: z.string(), decided: z.unknown(), readModel: z.unknown() })).optional(),
});

const reader = { minPosition: true } as const;
const auditor = { tag: 'audit', credentials: ['bearer'], roles: ['admin', 'ops', 'analyst'] } as const;

export const queryApi: ApiContract = {
  title: 'Flowdose query API',
  description:
    'Reads from read models projected from the event log. Send X-Min-Position (a position a command ' +
    'answered) to read your own writes: the answer waits until the read model has passed it, or is a 503.',
  routes: [
    ...probeRoutes('Postgres and Redis answer, and no read model is too far behind'),
    {
      method: 'get',
      path: '/carts/:cartId',
      summary: 'A cart with its lines and totals',
      description: 'A guest cart answers to its X-Cart-Token, a customer’s to that customer; to anyone else 404.',
      tag: 'carts',
      credentials: ['cartToken', 'bearer'],
      ...reader,
      answers: { 200: { description: 'The cart (with an ETag).', schema: CartView } },
    },
    {
      method: 'get',
      path: '/products',
      summary: 'Published products at their lowest price, a page at a time',
      tag: 'catalog',
      ...reader,
      query: ProductListQuery,
      answers: { 200: { description: 'A page.', schema: ProductPage } },
    },
    {
      method: 'get',
      path: '/categories',
      summary: 'Categories with published products, largest first',
      tag: 'catalog',
      ...reader,
      answers: { 200: { description: 'The categories.', schema: Categories } },
    },
    {
      method: 'get',
      path: '/products/:idOrHandle',
      summary: 'A published product by id or handle, with its variants and their availability',
      tag: 'catalog',
      ...reader,
      answers: { 200: { description: 'The product.', schema: ProductDetail } },
    },
    {
      method: 'get',
      path: '/orders/:orderId',
      summary: 'An order with its lines, totals and status history',
      description: 'To its customer, or, for a guest order, to the holder of its cart’s token; to anyone else 404.',
      tag: 'orders',
      credentials: ['cartToken', 'bearer'],
      ...reader,
      answers: { 200: { description: 'The order.', schema: OrderView } },
    },
    {
      method: 'get',
      path: '/me/orders',
      summary: "The signed-in customer's orders, newest first",
      tag: 'orders',
      credentials: ['bearer'],
      ...reader,
      answers: { 200: { description: 'The orders.', schema: CustomerOrders } },
    },
    {
      method: 'get',
      path: '/admin/orders',
      summary: 'Orders for staff, newest first, a page at a time',
      tag: 'orders',
      credentials: ['bearer'],
      roles: ['admin', 'ops', 'analyst'],
      ...reader,
      query: OrderListQuery,
      answers: { 200: { description: 'A page.', schema: OrderPage } },
    },
    {
      method: 'get',
      path: '/admin/orders/:orderId',
      summary: 'Any order with its lines, totals, address, payment amounts and status history',
      tag: 'orders',
      credentials: ['bearer'],
      roles: ['admin', 'ops', 'analyst'],
      ...reader,
      answers: { 200: { description: 'The order.', schema: OrderView } },
    },
    {
      method: 'get',
      path: '/admin/projections',
      summary: "Each projection's checkpoint, head, lag, last error and rebuild progress",
      tag: 'operations',
      credentials: ['bearer'],
      roles: ['ops', 'admin'],
      answers: { 200: { description: 'The projections.', schema: ProjectionStatuses } },
    },
    {
      method: 'get',
      path: '/admin/orders/:orderId/events',
      summary: "An order's events with who, when and why, and the related events of other streams",
      ...auditor,
      query: AuditPageQuery,
      answers: { 200: { description: 'A page, oldest first.', schema: AuditPage('orderId') } },
    },
    {
      method: 'get',
      path: '/admin/orders/:orderId/state',
      summary: 'The order as it was after one of its events, with what that event changed',
      ...auditor,
      query: OrderStateQuery,
      answers: { 200: { description: 'The state at that version.', schema: OrderAtVersion } },
    },
    {
      method: 'get',
      path: '/admin/orders/:orderId/replay',
      summary: "The order's events folded by today's decider, compared with the orders read model",
      ...auditor,
      ...reader,
      query: NoQuery,
      answers: { 200: { description: 'Consistent, or the fields that differ.', schema: ReplayResult } },
    },
    {
      method: 'get',
      path: '/admin/correlations/:correlationId',
      summary: 'Every event, on every stream, that one request caused',
      ...auditor,
      query: AuditPageQuery,
      answers: { 200: { description: 'A page, in log order.', schema: AuditPage('correlationId') } },
    },
    {
      method: 'get',
      path: '/admin/streams/:streamId/events',
      summary: "Any stream's events (ops and admins)",
      tag: 'audit',
      credentials: ['bearer'],
      roles: ['ops', 'admin'],
      query: StreamPageQuery,
      answers: { 200: { description: 'A page, by version.', schema: AuditPage('streamId') } },
    },
  ],
};
