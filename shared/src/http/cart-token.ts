import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * A guest cart's token is an HMAC of its id: unguessable without the server's secret and
 * checked without a lookup, so both APIs verify it with nothing but the secret.
 */
export const cartToken = (secret: string, cartId: string): string =>
  createHmac('sha256', secret).update(`cart:${cartId}`).digest('base64url');

export function cartTokenMatches(secret: string, cartId: string, token: string | undefined): boolean {
  if (!token) return false;
  const expected = Buffer.from(cartToken(secret, cartId));
  const given = Buffer.from(token);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
