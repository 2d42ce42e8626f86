import { describe, it } from 'vitest';
import { deciderSpec } from '../decider-spec.test-support.ts';
import { DomainError, NotFoundError } from '../errors.ts';
import { customerDecider } from './decider.ts';
import { type CustomerEvent, MAX_SAVED_ADDRESSES } from './events.ts';

const given = deciderSpec(customerDecider);
const customerId = '0190b8a0-0000-7000-8000-000000000001';
const data = { customerId, email: 'ada@example.com' };
const registered: CustomerEvent = { type: 'CustomerRegistered', data };
const addressId = '0190b8a0-0000-7000-8000-0000000000a1';
const home = { name: 'Ada Lovelace', line1: '12 St James Sq', city: 'London', postalCode: 'SW1Y 4JH', country: 'GB' };
const saved: CustomerEvent = { type: 'CustomerAddressSaved', data: { customerId, addressId, address: home } };
const idOf = (n: number) => `0190b8a0-0000-7000-8000-${String(n).padStart(12, '0')}`;

describe('customer decider', () => {
  it('registers a customer once', () => {
    given([])
      .when({ type: 'RegisterCustomer', data })
      .thenEmits([{ type: 'CustomerRegistered', data }]);
    given([{ type: 'CustomerRegistered', data }])
      .when({ type: 'RegisterCustomer', data })
      .thenThrows(DomainError, 'customer-exists');
  });

  describe('address book', () => {
    it('saves an address, and a retry of the same save records nothing', () => {
      given([registered])
        .when({ type: 'SaveCustomerAddress', data: { customerId, addressId, address: home } })
        .thenEmits([saved]);
      given([registered, saved])
        .when({ type: 'SaveCustomerAddress', data: { customerId, addressId, address: home } })
        .thenEmits([]);
    });

    it(`keeps at most ${MAX_SAVED_ADDRESSES}, and room is made by removing one`, () => {
      const full: CustomerEvent[] = [
        registered,
        ...Array.from({ length: MAX_SAVED_ADDRESSES }, (_, n) => ({
          type: 'CustomerAddressSaved' as const,
          data: { customerId, addressId: idOf(n), address: home },
        })),
      ];
      const another = { type: 'SaveCustomerAddress' as const, data: { customerId, addressId, address: home } };
      given(full).when(another).thenThrows(DomainError, 'too-many-addresses');
      given([...full, { type: 'CustomerAddressRemoved', data: { customerId, addressId: idOf(0) } }])
        .when(another)
        .thenEmits([saved]);
    });

    it('changes the fields named, and records the address whole', () => {
      given([registered, { ...saved, data: { ...saved.data, address: { ...home, line2: 'Flat 2' } } }])
        .when({ type: 'ChangeCustomerAddress', data: { customerId, addressId, changes: { city: 'Bath', line2: '' } } })
        .thenEmits([
          { type: 'CustomerAddressChanged', data: { customerId, addressId, address: { ...home, city: 'Bath' } } },
        ]);
      given([registered, saved])
        .when({ type: 'ChangeCustomerAddress', data: { customerId, addressId, changes: { city: 'London' } } })
        .thenEmits([]);
    });

    it('removes an address once', () => {
      given([registered, saved])
        .when({ type: 'RemoveCustomerAddress', data: { customerId, addressId } })
        .thenEmits([{ type: 'CustomerAddressRemoved', data: { customerId, addressId } }]);
      given([registered, saved, { type: 'CustomerAddressRemoved', data: { customerId, addressId } }])
        .when({ type: 'RemoveCustomerAddress', data: { customerId, addressId } })
        .thenThrows(NotFoundError);
    });

    it('finds no address that is not in this book', () => {
      const other = idOf(99);
      given([registered, saved])
        .when({ type: 'ChangeCustomerAddress', data: { customerId, addressId: other, changes: { city: 'Bath' } } })
        .thenThrows(NotFoundError);
      given([registered, saved])
        .when({ type: 'RemoveCustomerAddress', data: { customerId, addressId: other } })
        .thenThrows(NotFoundError);
      given([])
        .when({ type: 'SaveCustomerAddress', data: { customerId, addressId, address: home } })
        .thenThrows(NotFoundError);
    });
  });
});
