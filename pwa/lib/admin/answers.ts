// The back office's answers, as the query API's contract defines them (types only: the
// schemas stay on the server side of the bundle unless a page uses one as a value).
import type {
  AdminProductPage as AdminProductPageSchema,
  AdminProduct as AdminProductSchema,
  AuditEventsPage,
  AuditItem as AuditItemSchema,
  CustomerDetail as CustomerDetailSchema,
  CustomerPage as CustomerPageSchema,
  Dashboard as DashboardSchema,
  DiscountItem as DiscountItemSchema,
  DiscountPage as DiscountPageSchema,
  InventoryPage,
  OrderAtVersion,
  OrderPage as OrderPageSchema,
  OrderView as OrderViewSchema,
  ProjectionStatus,
  ReplayResult,
  StockDetail as StockDetailSchema,
} from '@flowdose/contract/query-api';
import type { z } from 'zod';

export type {
  AbandonmentReport,
  FunnelReport,
  ProductSalesReport,
  SalesReport,
} from '@flowdose/contract/query-api';

export type AuditItem = z.infer<typeof AuditItemSchema>;
export type AuditPage = z.infer<typeof AuditEventsPage>;
export type OrderAt = z.infer<typeof OrderAtVersion>;
export type Replay = z.infer<typeof ReplayResult>;
export type OrderPage = z.infer<typeof OrderPageSchema>;
export type OrderView = z.infer<typeof OrderViewSchema>;
export type Dashboard = z.infer<typeof DashboardSchema>;
export type StockPage = z.infer<typeof InventoryPage>;
export type StockDetail = z.infer<typeof StockDetailSchema>;
export type DiscountItem = z.infer<typeof DiscountItemSchema>;
export type DiscountPage = z.infer<typeof DiscountPageSchema>;
export type CustomerPage = z.infer<typeof CustomerPageSchema>;
export type CustomerDetail = z.infer<typeof CustomerDetailSchema>;
export type AdminProductPage = z.infer<typeof AdminProductPageSchema>;
export type AdminProduct = z.infer<typeof AdminProductSchema>;

export type ProjectionState = z.infer<typeof ProjectionStatus>;
/** What retrying or skipping one answers. */
export type { DeadLetterAnswer } from '@flowdose/contract/command-api';
/** An event a projection could not apply, as GET /admin/projections/:name/dead-letters lists it. */
export type { DeadLetter } from '@flowdose/contract/query-api';
