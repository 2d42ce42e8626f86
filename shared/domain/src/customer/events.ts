import { z } from 'zod';
import { Id } from '../ids.ts';

export const CustomerRegistered = z.object({
  type: z.literal('CustomerRegistered'),
  data: z.object({ customerId: Id, email: z.string() }),
});
export const CustomerEvent = z.discriminatedUnion('type', [CustomerRegistered]);
export type CustomerEvent = z.infer<typeof CustomerEvent>;

export const customerStream = (customerId: string) => `customer-${customerId}`;
