// The back office's answers, as the query API's contract defines them (types only: no server code
// reaches the browser).
import type {
  AuditEventsPage,
  AuditItem as AuditItemSchema,
  OrderAtVersion,
  OrderPage as OrderPageSchema,
  ReplayResult,
} from '@flowdose/domain/contract/query-api';
import type { z } from 'zod';

export type AuditItem = z.infer<typeof AuditItemSchema>;
export type AuditPage = z.infer<typeof AuditEventsPage>;
export type OrderAt = z.infer<typeof OrderAtVersion>;
export type Replay = z.infer<typeof ReplayResult>;
export type OrderPage = z.infer<typeof OrderPageSchema>;
