/** A checkout request that succeeds with the test card; override any part. */
export const checkoutDetails = (overrides: Record<string, unknown> = {}) => ({
  email: 'ada@example.com',
  shippingAddress: {
    name: 'Ada Lovelace',
    line1: '12 Rue de la Paix',
    city: 'Paris',
    postalCode: '75002',
    country: 'FR',
  },
  shippingMethod: 'standard',
  payment: { method: 'test-card', cardNumber: '4242424242424242' },
  ...overrides,
});
