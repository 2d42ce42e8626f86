// What the domain refuses with. Only a code: which HTTP status a code answers is the HTTP
// layer's business (shared/src/http/problem.ts), so the storefront folds with the same errors.

/**
 * Every reason a command is refused, named once: a `DomainError` takes only these, the HTTP
 * layer answers each as `/problems/<code>` and the storefront compares with them, so a
 * misspelt code does not compile. Refusals are recorded in the log (a failed order step, a
 * failed checkout) and answered again from it: a code is never taken out of this list.
 */
export const REFUSAL_CODES = [
  // carts
  'cart-exists',
  'cart-not-open',
  'cart-empty',
  'cart-owned',
  'currency-mismatch',
  'invalid-quantity',
  'quantity-limit',
  'too-many-lines',
  // checkout
  'checkout-unknown',
  'checkout-step-out-of-order',
  'checkout-ended',
  'checkout-expired',
  'checkout-abandoned',
  'cart-changed',
  'line-unavailable',
  'payment-declined',
  // orders
  'order-exists',
  'order-busy',
  'order-not-canceled',
  'illegal-transition',
  'refund-too-large',
  'payment-unknown',
  'payment-provider-refused',
  // stock
  'out-of-stock',
  'negative-stock',
  'stock-limit',
  'no-change',
  'reservation-exists',
  'reservation-missing',
  // catalog
  'product-exists',
  'product-archived',
  'handle-taken',
  'sku-taken',
  'variant-options',
  'too-many-variants',
  'last-variant',
  'no-variants',
  'already-published',
  'not-published',
  'option-values',
  'image-repeated',
  'image-not-uploaded',
  'too-many-images',
  'image-unreadable',
  'image-too-large',
  // discounts
  'discount-exists',
  'discount-unknown',
  'discount-disabled',
  'discount-not-started',
  'discount-expired',
  'discount-exhausted',
  'discount-minimum-not-met',
  'discount-not-applicable',
  'discount-window-empty',
  // accounts
  'customer-exists',
  'email-taken',
  'too-many-addresses',
  // operations
  'dead-letter-not-quarantined',
] as const;
export type RefusalCode = (typeof REFUSAL_CODES)[number];

export const isRefusalCode = (code: string): code is RefusalCode => (REFUSAL_CODES as readonly string[]).includes(code);

/** A business rule refused the command; `code` becomes the problem type. */
export class DomainError extends Error {
  constructor(
    readonly code: RefusalCode,
    message: string,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

/**
 * A refusal read back from the log (an order step's or a checkout's recorded failure), to be
 * answered again as it was the first time. It was recorded from a `DomainError`, so its code
 * is in the list, which never loses one; a code that is not is a broken log, not a refusal.
 */
export function recordedRefusal(code: string, detail: string): DomainError {
  if (!isRefusalCode(code)) throw new Error(`A recorded refusal names the unknown code ${code}.`);
  return new DomainError(code, detail);
}

export class NotFoundError extends Error {
  constructor(readonly what: string) {
    super(`${what} was not found.`);
    this.name = 'NotFoundError';
  }
}
