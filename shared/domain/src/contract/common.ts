import { z } from 'zod';
import { Sku } from '../cart/events.ts';
import { DiscountCode } from '../discount/events.ts';
import { Id } from '../ids.ts';

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
  productId: Id,
  sku: Sku,
  code: DiscountCode,
  name: z.string().max(41),
  idOrHandle: z.string().max(120),
  // What attachContext accepts as a correlation id: nothing else can have been recorded.
  correlationId: z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/),
  streamId: z.string().max(300),
} as const;

export const Health = z.object({ status: z.literal('ok'), service: z.string() });
export const Readiness = z.object({
  status: z.enum(['ok', 'unavailable']),
  service: z.string(),
  /** Each dependency's state: `"ok"`, or what is wrong. */
  dependencies: z.record(z.string(), z.string()),
});
