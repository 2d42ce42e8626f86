import type { Decider } from '../decider.ts';
import { DomainError } from '../errors.ts';
import { eventSchema } from '../event-schemas.ts';
import { CustomerEvent } from './events.ts';

export type RegisterCustomer = { type: 'RegisterCustomer'; data: { customerId: string; email: string } };
export type CustomerCommand = RegisterCustomer;

export type Customer = { status: 'unknown' } | { status: 'registered'; customerId: string; email: string };

export const initialState = (): Customer => ({ status: 'unknown' });

export const evolve = (state: Customer, event: CustomerEvent): Customer => {
  switch (event.type) {
    case 'CustomerRegistered':
      return { status: 'registered', ...event.data };
    default: {
      const _exhaustive: never = event.type;
      return state;
    }
  }
};

export const decide = (command: CustomerCommand, state: Customer): CustomerEvent[] => {
  switch (command.type) {
    case 'RegisterCustomer':
      if (state.status !== 'unknown') throw new DomainError('customer-exists', 'This customer is already registered.');
      return [{ type: 'CustomerRegistered', data: command.data }];
    default: {
      const _exhaustive: never = command.type;
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
