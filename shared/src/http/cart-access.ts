import { NotFoundError } from '@flowdose/domain/errors';
import { Id } from '@flowdose/domain/ids';
import type { Principal } from '../auth/tokens.ts';
import { cartTokenMatches } from './cart-token.ts';

type Caller = { principal: Principal | null; cartToken: string | undefined };

/**
 * Before anything is loaded: a well-formed id, and a valid cart token or a signed-in caller
 * to check against the owner. Anything else is 404, never a hint that the cart exists.
 */
export function mayTryCart(secret: string, cartId: string, { principal, cartToken }: Caller): void {
  if (!Id.safeParse(cartId).success) throw new NotFoundError('Cart');
  if (!principal && !cartTokenMatches(secret, cartId, cartToken)) throw new NotFoundError('Cart');
}

/** A cart a customer opened is theirs alone; a guest cart opens to its token. */
export function requireCartReach(
  secret: string,
  cart: { cartId: string; customerId: string | null },
  caller: Caller,
): void {
  const reaches = cart.customerId
    ? caller.principal?.userId === cart.customerId
    : cartTokenMatches(secret, cart.cartId, caller.cartToken);
  if (!reaches) throw new NotFoundError('Cart');
}
