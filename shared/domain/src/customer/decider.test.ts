import { describe, it } from 'vitest';
import { deciderSpec } from '../decider-spec.test-support.ts';
import { DomainError } from '../errors.ts';
import { customerDecider } from './decider.ts';

const given = deciderSpec(customerDecider);
const data = { customerId: '0190b8a0-0000-7000-8000-000000000001', email: 'ada@example.com' };

describe('customer decider', () => {
  it('registers a customer once', () => {
    given([])
      .when({ type: 'RegisterCustomer', data })
      .thenEmits([{ type: 'CustomerRegistered', data }]);
    given([{ type: 'CustomerRegistered', data }])
      .when({ type: 'RegisterCustomer', data })
      .thenThrows(DomainError, 'customer-exists');
  });
});
