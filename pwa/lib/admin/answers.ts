// The back office's answers, as the query API's contract defines them (types only: no server code
// reaches the browser).
import type {
  AuditEventsPage,
  AuditItem as AuditItemSchema,
  OrderAtVersion,
  OrderPage as OrderPageSchema,
  OrderView as OrderViewSchema,
  ReplayResult,
} from '@flowdose/domain/contract/query-api';
import type { Currency } from '@flowdose/domain/money';
import type { z } from 'zod';

export type AuditItem = z.infer<typeof AuditItemSchema>;
export type AuditPage = z.infer<typeof AuditEventsPage>;
export type OrderAt = z.infer<typeof OrderAtVersion>;
export type Replay = z.infer<typeof ReplayResult>;
export type OrderPage = z.infer<typeof OrderPageSchema>;
export type OrderView = z.infer<typeof OrderViewSchema>;

// Each projection as GET /admin/projections answers it (the projections service's own status type).
export type ProjectionState = {
  name: string;
  version: number;
  state: 'live' | 'missing' | 'stale';
  checkpoint: string | null;
  head: string | null;
  lag: number;
  lastError: string | null;
  rebuild: { checkpoint: string; progress: number } | null;
  queue: { waiting: number; active: number; failed: number; delayed: number } | null;
};

// GET /admin/dashboard (until its schema is in the contract).
export type Dashboard = {
  date: string;
  sales: { currency: Currency; orders: number; gross: number }[];
  waiting: { capture: number; fulfilment: number; shipping: number };
  lowStock: { sku: string; onHand: number; reserved: number; available: number }[];
  projections: ProjectionState[];
};

// GET /admin/inventory and /admin/inventory/:sku (until their schemas are in the contract).
export type StockItem = {
  sku: string;
  onHand: number;
  reserved: number;
  available: number;
  productId: string | null;
  title: string | null;
};
export type StockPage = { items: StockItem[]; nextCursor: string | null };
export type StockDetail = StockItem & {
  holds: {
    reservationId: string;
    orderId: string | null;
    quantity: number;
    heldAt: string;
    expiresAt: string | null;
  }[];
};

// GET /admin/discounts (until its schema is in the contract): the value and limits as
// POST /admin/discounts takes them, and how often the code was used.
export type DiscountItem = {
  code: string;
  value: { kind: 'percent'; percent: number } | { kind: 'fixed'; amountOff: Partial<Record<Currency, number>> };
  minimumSubtotal?: Partial<Record<Currency, number>>;
  validFrom?: string | null;
  validUntil?: string | null;
  usageLimit: number | null;
  uses: number;
  releasedUses?: number;
  disabled: boolean;
  createdAt: string;
};
export type DiscountPage = { items: DiscountItem[]; nextCursor: string | null };

// GET /admin/customers and /admin/customers/:customerId (until their schemas are in the contract).
export type CustomerItem = {
  customerId: string;
  email: string;
  registeredAt: string;
  orders: number;
  lastOrderAt: string | null;
};
export type CustomerPage = { items: CustomerItem[]; nextCursor: string | null };
export type CustomerDetail = CustomerItem & { recentOrders: OrderPage['items'] };

// GET /admin/products and /admin/products/:productId (until their schemas are in the
// contract): every status; the product in the shapes the command API's product routes take.
export type ProductStatus = 'draft' | 'published' | 'archived';
export type AdminProductItem = {
  productId: string;
  handle: string;
  title: string;
  status: ProductStatus;
  category: string;
  variants: number;
  updatedAt: string;
};
export type AdminProductPage = { items: AdminProductItem[]; nextCursor: string | null };
export type EditableVariant = {
  sku: string;
  optionValues: Record<string, string>;
  prices: Partial<Record<Currency, number>>;
  weightGrams: number;
};
export type AdminProduct = {
  productId: string;
  handle: string;
  title: string;
  description: string;
  category: string;
  tags: string[];
  status: ProductStatus;
  options: { name: string; values: string[] }[];
  variants: EditableVariant[];
  images: { key: string; alt: string }[];
};
