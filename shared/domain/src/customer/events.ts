import { z } from 'zod';
import { Id } from '../ids.ts';
import { Address } from '../order/events.ts';

export const CustomerRegistered = z.object({
  type: z.literal('CustomerRegistered'),
  data: z.object({ customerId: Id, email: z.string() }),
});
/** A new entry in the customer's address book, to fill a checkout with. */
export const CustomerAddressSaved = z.object({
  type: z.literal('CustomerAddressSaved'),
  data: z.object({ customerId: Id, addressId: Id, address: Address }),
});
/** The entry as it is after the change, whole: a reader needs no earlier event to know it. */
export const CustomerAddressChanged = z.object({
  type: z.literal('CustomerAddressChanged'),
  data: z.object({ customerId: Id, addressId: Id, address: Address }),
});
export const CustomerAddressRemoved = z.object({
  type: z.literal('CustomerAddressRemoved'),
  data: z.object({ customerId: Id, addressId: Id }),
});
export const CustomerEvent = z.discriminatedUnion('type', [
  CustomerRegistered,
  CustomerAddressSaved,
  CustomerAddressChanged,
  CustomerAddressRemoved,
]);
export type CustomerEvent = z.infer<typeof CustomerEvent>;

/** How many addresses one customer may keep: a book, not a store of everyone they ever sent to. */
export const MAX_SAVED_ADDRESSES = 20;

export type SavedAddress = z.infer<typeof Address>;

/** What a change of a saved address may name: any of its fields, none of them required. */
export const AddressChanges = Address.partial();
export type AddressChanges = z.infer<typeof AddressChanges>;

export const customerStream = (customerId: string) => `customer-${customerId}`;
