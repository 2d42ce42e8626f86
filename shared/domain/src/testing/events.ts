/** An OrderPlaced's data as written before checkout took the payment first (v1: no paymentId at all). */
export const orderPlacedV1 = (orderId: string = crypto.randomUUID()) => ({
  orderId,
  cartId: crypto.randomUUID(),
  customerId: null,
  email: 'ada@example.com',
  currency: 'EUR',
  lines: [
    {
      lineId: crypto.randomUUID(),
      sku: 'MUG-WHITE',
      quantity: 1,
      unitPrice: { amount: 1250, currency: 'EUR' },
      discount: 0,
      tax: 0,
    },
  ],
  totals: { subtotal: 1250, discount: 0, shipping: 0, tax: 0, grandTotal: 1250 },
  shippingAddress: { name: 'Ada', line1: '1 Lane', city: 'Paris', postalCode: '75001', country: 'FR' },
  shippingMethod: 'standard',
  reservations: [{ sku: 'MUG-WHITE', reservationId: crypto.randomUUID() }],
});
