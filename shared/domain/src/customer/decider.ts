import type { Decider } from '../decider.ts';
import { DomainError, NotFoundError } from '../errors.ts';
import { eventSchema } from '../event-schemas.ts';
import { type AddressChanges, CustomerEvent, MAX_SAVED_ADDRESSES, type SavedAddress } from './events.ts';

export type RegisterCustomer = { type: 'RegisterCustomer'; data: { customerId: string; email: string } };
export type SaveCustomerAddress = {
  type: 'SaveCustomerAddress';
  data: { customerId: string; addressId: string; address: SavedAddress };
};
export type ChangeCustomerAddress = {
  type: 'ChangeCustomerAddress';
  data: { customerId: string; addressId: string; changes: AddressChanges };
};
export type RemoveCustomerAddress = { type: 'RemoveCustomerAddress'; data: { customerId: string; addressId: string } };
export type CustomerCommand = RegisterCustomer | SaveCustomerAddress | ChangeCustomerAddress | RemoveCustomerAddress;

export type Customer =
  | { status: 'unknown' }
  | { status: 'registered'; customerId: string; email: string; addresses: ReadonlyMap<string, SavedAddress> };

export const initialState = (): Customer => ({ status: 'unknown' });

const withAddresses = (state: Customer, change: (addresses: Map<string, SavedAddress>) => void): Customer => {
  if (state.status !== 'registered') return state;
  const addresses = new Map(state.addresses);
  change(addresses);
  return { ...state, addresses };
};

export const evolve = (state: Customer, event: CustomerEvent): Customer => {
  switch (event.type) {
    case 'CustomerRegistered':
      return { status: 'registered', ...event.data, addresses: new Map() };
    case 'CustomerAddressSaved':
    case 'CustomerAddressChanged':
      return withAddresses(state, (addresses) => addresses.set(event.data.addressId, event.data.address));
    case 'CustomerAddressRemoved':
      return withAddresses(state, (addresses) => addresses.delete(event.data.addressId));
    default: {
      const _exhaustive: never = event;
      return state;
    }
  }
};

const sameAddress = (a: SavedAddress, b: SavedAddress) =>
  JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());

// Another customer's address is not in this customer's book: it is not found, as one that never was.
function savedAddress(state: Customer, addressId: string): SavedAddress {
  const address = state.status === 'registered' ? state.addresses.get(addressId) : undefined;
  if (!address) throw new NotFoundError('Address');
  return address;
}

function saveAddress({ data }: SaveCustomerAddress, state: Customer): CustomerEvent[] {
  if (state.status !== 'registered') throw new NotFoundError('Customer');
  // The same id again is the same request retried: ids derive from its Idempotency-Key, whose
  // other bodies the idempotency layer refuses. It answers again what it answered.
  if (state.addresses.has(data.addressId)) return [];
  if (state.addresses.size >= MAX_SAVED_ADDRESSES)
    throw new DomainError(
      'too-many-addresses',
      `At most ${MAX_SAVED_ADDRESSES} addresses are kept; remove one before saving another.`,
    );
  return [{ type: 'CustomerAddressSaved', data }];
}

function changeAddress({ data }: ChangeCustomerAddress, state: Customer): CustomerEvent[] {
  const before = savedAddress(state, data.addressId);
  const { line2, ...rest } = { ...before, ...data.changes };
  // An empty second line takes the line away: the field is optional, so it cannot be sent as null.
  const address: SavedAddress = line2 ? { ...rest, line2 } : rest;
  if (sameAddress(before, address)) return [];
  return [
    { type: 'CustomerAddressChanged', data: { customerId: data.customerId, addressId: data.addressId, address } },
  ];
}

function removeAddress({ data }: RemoveCustomerAddress, state: Customer): CustomerEvent[] {
  savedAddress(state, data.addressId);
  return [{ type: 'CustomerAddressRemoved', data }];
}

export const decide = (command: CustomerCommand, state: Customer): CustomerEvent[] => {
  switch (command.type) {
    case 'RegisterCustomer':
      if (state.status !== 'unknown') throw new DomainError('customer-exists', 'This customer is already registered.');
      return [{ type: 'CustomerRegistered', data: command.data }];
    case 'SaveCustomerAddress':
      return saveAddress(command, state);
    case 'ChangeCustomerAddress':
      return changeAddress(command, state);
    case 'RemoveCustomerAddress':
      return removeAddress(command, state);
    default: {
      const _exhaustive: never = command;
      throw new Error('unknown command');
    }
  }
};

export const customerDecider: Decider<CustomerCommand, CustomerEvent, Customer> = {
  decide,
  evolve,
  initialState,
  events: eventSchema(CustomerEvent),
};
