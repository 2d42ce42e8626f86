import { Sku } from '@flowdose/domain/cart/events';
import { DiscountValue, PerCurrency } from '@flowdose/domain/discount/events';
import { Id } from '@flowdose/domain/ids';
import { Currency, Money } from '@flowdose/domain/money';
import { Address, OrderLine, OrderTotals } from '@flowdose/domain/order/events';
import { ORDER_STATUSES } from '@flowdose/domain/order/lifecycle';
import { Category } from '@flowdose/domain/product/events';
import { IMAGE_TYPES } from '@flowdose/domain/product/media';
import { DEAD_LETTER_STATUSES, PositionToken, ProjectionName } from '@flowdose/domain/projection/events';
import { STORE_CURRENCY } from '@flowdose/domain/store-currency';
import { z } from 'zod';
import { Limit, PositionCursorParam, VersionCursorParam } from './audit-cursor.ts';
import { ShownImage } from './common.ts';
import { Email } from './credentials.ts';
import { Cursor, cursorOf } from './cursor.ts';
import { type ApiContract, probeRoutes, type RouteContract } from './routes.ts';
import { SearchAnswer, SearchRequest } from './search.ts';

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

export { ORDER_STATUSES };

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
    image: ShownImage.nullable().meta({ description: 'The cover image.' }),
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
    images: z.array(ShownImage).meta({ description: 'In order; the first is the cover.' }),
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
/** GET /orders/:orderId/live: text, not JSON; each message's data is an Order. */
const OrderEvents = z
  .string()
  .meta({ description: 'id: <version>\nevent: order\ndata: <Order as JSON>\n\n, repeated' });

// The answers' types, as the storefront reads them.
export type CartView = z.infer<typeof CartView>;
export type ProductListItem = z.infer<typeof ProductListItem>;
export type ProductPage = z.infer<typeof ProductPage>;
export type Categories = z.infer<typeof Categories>;
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
export type OrderSummary = z.infer<typeof OrderSummary>;
export type OrderPage = z.infer<typeof OrderPage>;

/** A projection: how far its read model is behind the log, and a rebuild under way. */
export const ProjectionStatus = z
  .object({
    name: z.string(),
    version: z.number().int(),
    state: z.enum(['live', 'missing', 'stale', 'stopped']).meta({
      description:
        'stopped: halted just before a quarantined event (dead-letter policy stop) until staff retry or skip it.',
    }),
    checkpoint: z.string().nullable(),
    head: z.string().nullable(),
    lag: z
      .number()
      .int()
      .meta({ description: 'Events between the checkpoint and the head (aborted writes count too).' }),
    lastError: z.string().nullable(),
    deadLetters: z.object({
      quarantined: z.number().int().meta({ description: 'Events quarantined and not yet retried or skipped.' }),
      stoppedAt: z
        .string()
        .nullable()
        .meta({ description: 'The position of the quarantined event the projection waits before, if stopped.' }),
    }),
    rebuild: z.object({ checkpoint: z.string(), progress: z.number().min(0).max(1) }).nullable(),
    queue: z
      .object({
        waiting: z.number().int(),
        active: z.number().int(),
        failed: z.number().int(),
        delayed: z.number().int(),
      })
      .nullable()
      .meta({ description: 'The projection queue, where the answering service can see it.' }),
  })
  .meta({ id: 'ProjectionStatus' });
export type ProjectionStatus = z.infer<typeof ProjectionStatus>;
export const ProjectionStatuses = z.object({ projections: z.array(ProjectionStatus) });

/** An event a projection could not apply, kept with its error (issue 24). */
export const DeadLetter = z
  .object({
    projection: ProjectionName,
    position: PositionToken,
    eventId: Id,
    eventType: z.string(),
    streamId: z.string(),
    streamPosition: z.string(),
    error: z.string(),
    attempts: z.number().int(),
    firstFailedAt: z.string(),
    lastFailedAt: z.string(),
    status: z.enum(DEAD_LETTER_STATUSES),
    resolvedBy: z
      .string()
      .nullable()
      .meta({ description: 'The staff user who retried or skipped it; null: the system.' }),
    resolvedAt: z.string().nullable(),
    reason: z.string().nullable(),
  })
  .meta({ id: 'DeadLetter' });
export type DeadLetter = z.infer<typeof DeadLetter>;
export const DeadLetterQuery = z.strictObject({ status: z.enum(DEAD_LETTER_STATUSES).optional() });
export const DeadLetterList = z.object({ projection: ProjectionName, items: z.array(DeadLetter) });
export type DeadLetterList = z.infer<typeof DeadLetterList>;

// The back office's reads: staff see every status, and page by keyset like the order list.

const StaffLimit = z.coerce.number().int().min(1).max(200).default(50);
const Search = z.string().trim().min(1).max(100);
const PageCursor = <T>(keys: z.ZodType<T>) =>
  cursorOf(keys).optional().meta({ description: 'nextCursor of the previous page.' });
const PRODUCT_STATUSES = ['draft', 'published', 'archived'] as const;

export const AdminProductListQuery = z.strictObject({
  q: Search.optional().meta({ description: 'Part of the title, the handle or one of its SKUs, in any case.' }),
  status: z.enum(PRODUCT_STATUSES).optional(),
  cursor: PageCursor(z.tuple([z.number().int().min(0), Id])),
  limit: StaffLimit,
});
export const InventoryListQuery = z.strictObject({
  q: Search.optional().meta({ description: 'Part of the SKU or of its product’s title, in any case.' }),
  low: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional()
    .meta({ description: 'true: only SKUs with LOW_STOCK_THRESHOLD units available or fewer.' }),
  cursor: PageCursor(z.tuple([Sku])),
  limit: StaffLimit,
});
export const DiscountListQuery = z.strictObject({
  cursor: PageCursor(z.tuple([z.iso.datetime(), z.string().regex(/^[A-Z0-9_-]{3,32}$/)])),
  limit: StaffLimit,
});
export const CustomerListQuery = z.strictObject({
  email: z.string().trim().min(1).max(254).optional().meta({ description: 'Part of the email, in any case.' }),
  cursor: PageCursor(z.tuple([z.iso.datetime(), Id])),
  limit: StaffLimit,
});

export const StockItem = z
  .object({
    sku: z.string(),
    onHand: z.number().int(),
    reserved: z.number().int(),
    available: z.number().int(),
    productId: Id.nullable().meta({ description: 'null for stock of a SKU no product has (any more).' }),
    title: z.string().nullable(),
  })
  .meta({ id: 'StockItem' });
export const InventoryPage = z.object({ items: z.array(StockItem), nextCursor: NextCursor });
export const StockDetail = StockItem.extend({
  holds: z.array(
    z.object({
      reservationId: Id,
      orderId: Id.nullable(),
      quantity: z.number().int(),
      heldAt: z.string(),
      expiresAt: z.string(),
    }),
  ),
}).meta({ id: 'StockDetail' });

export const AdminProductListItem = z
  .object({
    productId: Id,
    handle: z.string(),
    title: z.string(),
    status: z.enum(PRODUCT_STATUSES),
    category: z.string(),
    variants: z.number().int().meta({ description: 'How many variants it has.' }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'AdminProductListItem' });
export const AdminProductPage = z.object({ items: z.array(AdminProductListItem), nextCursor: NextCursor });
/** The product as staff edit it: the field names of the command API's product bodies. */
export const AdminProduct = ProductDetail.extend({
  status: z.enum(PRODUCT_STATUSES),
  createdAt: z.string(),
  updatedAt: z.string(),
}).meta({ id: 'AdminProduct' });

export const DiscountItem = z
  .object({
    code: z.string(),
    value: DiscountValue,
    minimum: PerCurrency.meta({ description: 'The least subtotal per currency (minimumSubtotal when created).' }),
    startsAt: z.string().nullable().meta({ description: 'validFrom when created.' }),
    endsAt: z.string().nullable().meta({ description: 'validUntil when created.' }),
    usageLimit: z.number().int().nullable(),
    uses: z.number().int().meta({ description: 'Redemptions net of those given back: what the limit counts.' }),
    releasedUses: z.number().int(),
    disabled: z.boolean(),
    createdAt: z.string(),
  })
  .meta({ id: 'Discount' });
export const DiscountPage = z.object({ items: z.array(DiscountItem), nextCursor: NextCursor });

export const CustomerSummary = z
  .object({
    customerId: Id,
    email: z.string(),
    registeredAt: z.string(),
    orders: z.number().int(),
    lastOrderAt: z.string().nullable(),
  })
  .meta({ id: 'CustomerSummary' });
export const CustomerPage = z.object({ items: z.array(CustomerSummary), nextCursor: NextCursor });
/** An entry of the signed-in customer's address book, in the shape checkout takes an address. */
export const SavedAddress = z.object({ addressId: Id, ...Address.shape }).meta({ id: 'SavedAddress' });
export type SavedAddress = z.infer<typeof SavedAddress>;
export const SavedAddresses = z.object({ items: z.array(SavedAddress).meta({ description: 'Oldest saved first.' }) });
export type SavedAddresses = z.infer<typeof SavedAddresses>;
export const CustomerDetail = CustomerSummary.extend({
  recentOrders: z.array(OrderSummary).meta({ description: 'The newest 20.' }),
}).meta({ id: 'CustomerDetail' });

export const Dashboard = z.object({
  date: z.iso.date().meta({ description: 'Today (UTC).' }),
  sales: z
    .array(z.object({ currency: Currency, orders: z.number().int(), gross: z.number().int() }))
    .meta({ description: 'Orders placed today per currency and the sum of their grand totals (minor units).' }),
  waiting: z.object({
    capture: z.number().int().meta({ description: 'Placed or authorized, not yet captured.' }),
    fulfilment: z.number().int().meta({ description: 'Captured, not yet fulfilled.' }),
    shipping: z.number().int().meta({ description: 'Fulfilled, not yet shipped.' }),
  }),
  lowStock: z
    .array(StockItem)
    .meta({ description: 'At most 20 SKUs with LOW_STOCK_THRESHOLD units available or fewer, lowest first.' }),
  projections: ProjectionStatuses.shape.projections,
});

export type StockItem = z.infer<typeof StockItem>;
export type InventoryPage = z.infer<typeof InventoryPage>;
export type StockDetail = z.infer<typeof StockDetail>;
export type AdminProductListItem = z.infer<typeof AdminProductListItem>;
export type AdminProductPage = z.infer<typeof AdminProductPage>;
export type AdminProduct = z.infer<typeof AdminProduct>;
export type DiscountItem = z.infer<typeof DiscountItem>;
export type DiscountPage = z.infer<typeof DiscountPage>;
export type CustomerSummary = z.infer<typeof CustomerSummary>;
export type CustomerPage = z.infer<typeof CustomerPage>;
export type CustomerDetail = z.infer<typeof CustomerDetail>;
export type Dashboard = z.infer<typeof Dashboard>;

// Analytics: figures per shop day (SHOP_TIME_ZONE), money in minor units of one currency.
const THREE_YEARS_DAYS = 3 * 366;
const AnalyticsRange = {
  from: z.iso.date().meta({ description: 'The first shop day, included (YYYY-MM-DD).' }),
  to: z.iso.date().meta({ description: 'The last shop day, included; at most three years after from.' }),
};
/** from ≤ to, at most three years apart: a field error on `to` otherwise. */
const checkRange = (range: { from: string; to: string }, ctx: z.RefinementCtx) => {
  const days = (Date.parse(range.to) - Date.parse(range.from)) / 86_400_000;
  if (days < 0) ctx.addIssue({ code: 'custom', path: ['to'], message: 'to is before from' });
  else if (days > THREE_YEARS_DAYS) ctx.addIssue({ code: 'custom', path: ['to'], message: 'more than three years' });
};
/** The query every per-period analytics route takes: a range, an optional currency, buckets. */
const PeriodQuery = z
  .strictObject({
    ...AnalyticsRange,
    currency: Currency.optional().meta({ description: 'One currency; without it, a row per currency.' }),
    granularity: z.enum(['day', 'week', 'month']).default('day'),
    limit: z.coerce.number().int().min(1).max(5000).default(1000),
  })
  .superRefine(checkRange);
export const SalesQuery = PeriodQuery;
export const ProductSalesQuery = z
  .strictObject({
    ...AnalyticsRange,
    currency: Currency.meta({ description: 'Revenue is ranked within one currency.' }),
    by: z.enum(['variant', 'category']).default('variant'),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .superRefine(checkRange);
const minor = z.number().int();
export const SalesBucket = z
  .object({
    period: z.iso.date().meta({ description: 'The first day of the bucket (weeks start on Monday).' }),
    currency: Currency,
    orders: z.number().int().meta({ description: 'Orders placed.' }),
    items: z.number().int().meta({ description: 'Units in those orders.' }),
    subtotal: minor.meta({ description: 'Line prices before discount, tax and shipping.' }),
    discounts: minor,
    shipping: minor,
    tax: minor,
    gross: minor.meta({ description: 'Grand totals of the orders placed.' }),
    refunds: minor.meta({ description: 'Refunded in the bucket, whenever the order was placed.' }),
    canceledOrders: z.number().int(),
    canceled: minor.meta({ description: 'Of orders canceled in the bucket, what was never paid or refunded.' }),
    net: minor.meta({ description: 'gross − refunds − canceled.' }),
    averageOrderValue: minor.meta({ description: 'gross / orders, rounded (0 without orders).' }),
    newCustomers: z
      .number()
      .int()
      .meta({ description: 'Customers (account, or e-mail for guests) whose first order fell in the bucket.' }),
    returningCustomers: z
      .number()
      .int()
      .meta({ description: 'Customers who had ordered before, counted once per day they order again.' }),
  })
  .meta({ id: 'SalesBucket' });
export const ProductSalesItem = z
  .object({
    sku: Sku.nullable().meta({ description: 'Null when rolled up by category.' }),
    productId: Id.nullable(),
    title: z.string().nullable(),
    category: z.string().nullable().meta({ description: "The product's category now." }),
    units: z.number().int(),
    revenue: minor.meta({ description: 'Price × quantity less line discounts, before tax and shipping.' }),
    refunds: minor.meta({ description: "Refunds shared among an order's lines pro rata to their revenue." }),
    net: minor,
  })
  .meta({ id: 'ProductSalesItem' });
export const SalesReport = z.object({ items: z.array(SalesBucket) });
export const ProductSalesReport = z.object({ items: z.array(ProductSalesItem) });
export type SalesBucket = z.infer<typeof SalesBucket>;
export type ProductSalesItem = z.infer<typeof ProductSalesItem>;
export type SalesReport = z.infer<typeof SalesReport>;

export const FunnelQuery = PeriodQuery;
export const AbandonmentQuery = PeriodQuery;
export const DiscountUsageQuery = z
  .strictObject({
    ...AnalyticsRange,
    currency: Currency.optional().meta({ description: 'One currency; without it, a row per currency.' }),
    code: z.string().min(1).max(64).optional().meta({ description: 'One discount code (any case).' }),
    granularity: z.enum(['day', 'week', 'month']).default('day'),
    limit: z.coerce.number().int().min(1).max(5000).default(1000),
  })
  .superRefine(checkRange);
/** A share of the step before, 0..1 to four places; null when the step before had none. */
const rate = z.number().min(0).max(1).nullable();
export const FunnelBucket = z
  .object({
    period: z.iso.date().meta({ description: 'The first day of the bucket (weeks start on Monday).' }),
    currency: Currency,
    cartsOpened: z.number().int().meta({ description: 'Carts opened in the bucket: the cohort the row follows.' }),
    cartsWithItems: z.number().int().meta({ description: 'Of those carts, the ones that ever held an item.' }),
    checkoutsStarted: z.number().int().meta({ description: 'Of those carts, the ones a checkout was started for.' }),
    ordersPlaced: z.number().int().meta({ description: 'Of those carts, the ones that became an order.' }),
    ordersPaid: z.number().int().meta({ description: 'Of those orders, the ones whose payment was captured.' }),
    toItems: rate.meta({ description: 'cartsWithItems / cartsOpened.' }),
    toCheckout: rate.meta({ description: 'checkoutsStarted / cartsWithItems.' }),
    toOrder: rate.meta({ description: 'ordersPlaced / checkoutsStarted.' }),
    toPaid: rate.meta({ description: 'ordersPaid / ordersPlaced.' }),
    overall: rate.meta({ description: 'ordersPaid / cartsOpened.' }),
  })
  .meta({ id: 'FunnelBucket' });
export const AbandonmentBucket = z
  .object({
    period: z.iso.date().meta({ description: "The first day of the bucket of the carts' last activity." }),
    currency: Currency,
    cartsWithItems: z.number().int().meta({ description: 'Carts whose last activity fell in the bucket.' }),
    abandonedCarts: z.number().int().meta({
      description: 'Of those, the ones holding items, not checked out, idle longer than ABANDONED_CART_HOURS.',
    }),
    abandonedValue: minor.meta({ description: 'What those carts held: unit price × quantity, before discounts.' }),
    abandonmentRate: rate.meta({ description: 'abandonedCarts / cartsWithItems.' }),
  })
  .meta({ id: 'AbandonmentBucket' });
export const DiscountUsageBucket = z
  .object({
    period: z.iso.date().meta({ description: 'The first day of the bucket (weeks start on Monday).' }),
    code: z.string(),
    currency: Currency,
    uses: z.number().int().meta({ description: 'Redemptions by orders in the bucket.' }),
    releasedUses: z.number().int().meta({ description: 'Redemptions given back in the bucket (failed checkouts).' }),
    discountGiven: minor.meta({ description: "The orders' discounts, of orders placed in the bucket with the code." }),
    revenue: minor.meta({ description: 'Grand totals of those orders.' }),
  })
  .meta({ id: 'DiscountUsageBucket' });
export const FunnelReport = z.object({ items: z.array(FunnelBucket) });
export const AbandonmentReport = z.object({ items: z.array(AbandonmentBucket) });
export const DiscountUsageReport = z.object({ items: z.array(DiscountUsageBucket) });
export type FunnelBucket = z.infer<typeof FunnelBucket>;
export type AbandonmentBucket = z.infer<typeof AbandonmentBucket>;
export type DiscountUsageBucket = z.infer<typeof DiscountUsageBucket>;
export type FunnelReport = z.infer<typeof FunnelReport>;
export type AbandonmentReport = z.infer<typeof AbandonmentReport>;
export type DiscountUsageReport = z.infer<typeof DiscountUsageReport>;
export type ProductSalesReport = z.infer<typeof ProductSalesReport>;

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

const MediaBytes = z.string().meta({ format: 'binary' });
const MEDIA_TYPES = Object.values(IMAGE_TYPES);

const reader = { minPosition: true } as const;
const auditor = { tag: 'audit', credentials: ['bearer'], roles: ['admin', 'ops', 'analyst'] } as const;

/** A back-office read: every staff role, and `X-Min-Position` for the models it reads. */
const staffRead = (
  path: string,
  summary: string,
  { query = NoQuery, answer }: { query?: z.ZodObject; answer: z.ZodType },
): RouteContract => ({
  method: 'get',
  path,
  summary,
  tag: 'back office',
  credentials: ['bearer'],
  roles: ['admin', 'ops', 'analyst'],
  ...reader,
  query,
  answers: { 200: { description: 'Never cached (Cache-Control: no-store).', schema: answer } },
});

/** An analytics read: analysts and admins; JSON, or CSV with `Accept: text/csv`. */
const analyticsRead = (path: string, summary: string, query: z.ZodObject, answer: z.ZodType): RouteContract => ({
  method: 'get',
  path,
  summary,
  description:
    'Bad ranges (from after to, more than three years, an unknown currency) are a 400. With Accept: text/csv, ' +
    'the items as CSV (RFC 4180): a header row of their field names, then one row per item.',
  tag: 'analytics',
  credentials: ['bearer'],
  roles: ['admin', 'analyst'],
  ...reader,
  query,
  answers: { 200: { description: 'Never cached (Cache-Control: no-store).', schema: answer } },
});

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
      path: '/search',
      summary: 'Published products by words (typos forgiven), with filters, facet counts and sorts',
      description:
        'Filters combine with AND, the values of one filter with OR. Each facet counts the hits of every ' +
        'other filter. A product without a price in the currency is not found. Reads the search read model ' +
        '(X-Min-Position waits for it); SEARCH_BACKEND picks PostgreSQL or Meilisearch behind it.',
      tag: 'catalog',
      ...reader,
      query: SearchRequest,
      answers: { 200: { description: 'A page of hits with the facets.', schema: SearchAnswer } },
    },
    {
      method: 'get',
      path: '/media/:hash/:file',
      summary: "An uploaded image's original, or one of its renditions",
      description:
        'The URLs product answers give (images[].url and srcset). Immutable: Cache-Control public, ' +
        'max-age=31536000, immutable, a strong ETag (If-None-Match answers 304), byte ranges (Range answers ' +
        '206, one past the end 416). Unknown, or a rendition not made yet: 404, not cached. A path with ".." ' +
        '(however escaped): 400.',
      tag: 'media',
      answers: {
        200: { description: 'The bytes, with their Content-Type.', mediaTypes: MEDIA_TYPES, schema: MediaBytes },
        206: { description: 'The range asked for (Content-Range).', mediaTypes: MEDIA_TYPES, schema: MediaBytes },
        304: { description: 'Not modified: the ETag sent in If-None-Match is current.' },
      },
    },
    {
      method: 'get',
      path: '/orders/:orderId',
      summary: 'An order with its lines, totals and status history',
      description:
        'To its customer, or, for a guest order, to the holder of its cart’s token, and to staff; to anyone else 404.',
      tag: 'orders',
      credentials: ['cartToken', 'bearer'],
      ...reader,
      answers: { 200: { description: 'The order.', schema: OrderView } },
    },
    {
      method: 'get',
      path: '/orders/:orderId/live',
      summary: "The order's changes as they are projected (Server-Sent Events)",
      description:
        'The same access as GET /orders/:orderId (staff may read any order); a refusal is a 404 before any ' +
        'stream begins. Each message is `event: order`, its data the order as GET /orders/:orderId answers it, ' +
        'its id the order’s version (how many entries its history holds). The first message is the order as ' +
        'it is now; reconnecting with Last-Event-ID sends the order again only once it has moved past that ' +
        'version, its history holding the status changes missed. Comments (`: heartbeat`) keep idle streams ' +
        'open. A stream ends after ACCESS_TOKEN_TTL_SECONDS, so a reconnect checks access again. A change arrives within a second of being projected, or, if its notice was lost, within ' +
        'LIVE_ORDER_RECHECK_MS (15 s by default).',
      tag: 'orders',
      credentials: ['cartToken', 'bearer'],
      ...reader,
      answers: {
        200: { description: 'The stream.', mediaTypes: ['text/event-stream'], schema: OrderEvents },
      },
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
      path: '/me/addresses',
      summary: "The signed-in customer's saved addresses",
      description: 'Customers only. Reads the customers read model (X-Min-Position waits for it).',
      tag: 'accounts',
      credentials: ['bearer'],
      ...reader,
      answers: { 200: { description: 'The address book (Cache-Control: private, no-cache).', schema: SavedAddresses } },
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
      path: '/admin/projections/:name/dead-letters',
      summary: 'Events the projection could not apply, with their errors, the latest first',
      description:
        'Retry or skip one with POST /admin/projections/:name/dead-letters/:position/{retry,skip} on the command API.',
      tag: 'operations',
      credentials: ['bearer'],
      roles: ['ops', 'admin'],
      query: DeadLetterQuery,
      answers: { 200: { description: 'The dead letters (at most 200).', schema: DeadLetterList } },
    },
    staffRead('/admin/dashboard', "Today's sales per currency, orders waiting for staff, low stock, projections", {
      answer: Dashboard,
    }),
    staffRead('/admin/products', 'Products of every status, newest first, a page at a time', {
      query: AdminProductListQuery,
      answer: AdminProductPage,
    }),
    staffRead('/admin/products/:productId', 'A product as staff edit it, whatever its status', {
      answer: AdminProduct,
    }),
    staffRead('/admin/inventory', "Each SKU's stock with its product, by SKU, a page at a time", {
      query: InventoryListQuery,
      answer: InventoryPage,
    }),
    staffRead('/admin/inventory/:sku', "A SKU's stock and its open holds", { answer: StockDetail }),
    staffRead('/admin/discounts', 'Discount codes with their uses, newest first, a page at a time', {
      query: DiscountListQuery,
      answer: DiscountPage,
    }),
    staffRead('/admin/customers', 'Customers with their order counts, newest first, a page at a time', {
      query: CustomerListQuery,
      answer: CustomerPage,
    }),
    staffRead('/admin/customers/:customerId', 'A customer with their newest orders', { answer: CustomerDetail }),
    analyticsRead('/admin/analytics/sales', 'Sales per day, week or month and currency', SalesQuery, SalesReport),
    analyticsRead(
      '/admin/analytics/products',
      'Best sellers by revenue in one currency, per variant or category',
      ProductSalesQuery,
      ProductSalesReport,
    ),
    analyticsRead(
      '/admin/analytics/funnel',
      'Carts opened per period and how far they went: items, checkout, order, paid',
      FunnelQuery,
      FunnelReport,
    ),
    analyticsRead(
      '/admin/analytics/abandonment',
      'Carts left with items, per period of their last activity, with their value',
      AbandonmentQuery,
      AbandonmentReport,
    ),
    analyticsRead(
      '/admin/analytics/discounts',
      'Discount codes per period: uses, released uses, discount given, revenue',
      DiscountUsageQuery,
      DiscountUsageReport,
    ),
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
