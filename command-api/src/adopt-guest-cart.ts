import { cartDecider } from '@flowdose/domain/cart/decider';
import { cartStream } from '@flowdose/domain/cart/events';
import { derivedId, Id } from '@flowdose/domain/ids';
import { openCartOf } from '@flowdose/projections/read-models/carts/queries';
import type { Position } from '@flowdose/shared/event-store/position';
import { cartTokenMatches } from '@flowdose/shared/http/cart-token';
import type { CommandContext } from '@flowdose/shared/http/context';
import type { Deps } from './deps.ts';
import { handle, loadState } from './handle-command.ts';

/**
 * At login, a guest cart the shopper holds the token of becomes theirs: claimed when they
 * have no open cart, otherwise its lines are merged into that cart (summed, within limits)
 * and the guest cart is closed. Two streams, appended in order; the event ids derive from
 * the guest cart, so a login retried after a crash half-way appends nothing twice.
 * Answers the customer's cart and the position of the last event written, or null when
 * there was nothing to adopt.
 */
export async function adoptGuestCart(
  { store, pool, prices, config }: Deps,
  ctx: CommandContext,
  customerId: string,
  guestCartId: string,
  guestCartToken: string | undefined,
): Promise<{ cartId: string; position: Position | null } | null> {
  if (!Id.safeParse(guestCartId).success || !cartTokenMatches(config.CART_TOKEN_SECRET, guestCartId, guestCartToken))
    return null;
  const { state: guest } = await loadState(store, cartDecider, cartStream(guestCartId));
  if (guest.status !== 'open') return null;
  if (guest.customerId) return guest.customerId === customerId ? { cartId: guestCartId, position: null } : null;

  const as = { ...ctx, actor: { userId: customerId, role: 'customer' }, idempotencyKey: `adopt-cart:${guestCartId}` };
  const claim = async () => {
    const { position } = await handle(
      store,
      cartDecider,
      cartStream(guestCartId),
      { type: 'ClaimCart', data: { cartId: guestCartId, customerId } },
      as,
    );
    return { cartId: guestCartId, position };
  };
  // The carts read model may lag the log, which is safe here: a cart opened a moment ago and not
  // projected yet is missed, so the guest cart is claimed and the customer has two open carts
  // (nothing lost); a cart the model still lists as open but that was just checked out or merged
  // is caught by its own stream below, and the guest cart is then claimed, not merged into it.
  const target = await openCartOf(pool, customerId, guestCartId);
  if (!target) return claim();
  let targetOpen = false;
  // A function of the state: the lines are priced in the target cart's currency, and only an open cart takes them.
  await handle(
    store,
    cartDecider,
    cartStream(target),
    async (state) => {
      targetOpen = state.status === 'open';
      if (state.status !== 'open') return null;
      const priced = await Promise.all(
        [...guest.lines.values()].map(async (line) => {
          // Priced afresh in the customer's cart currency; a SKU no longer sold there is left out.
          const unitPrice = await prices.priceOf(line.sku, state.currency).catch(() => null);
          const { sku, quantity } = line;
          return unitPrice ? [{ lineId: derivedId(guestCartId, target, line.lineId), sku, quantity, unitPrice }] : [];
        }),
      );
      return { type: 'MergeLines', data: { cartId: target, lines: priced.flat() } };
    },
    as,
  );
  if (!targetOpen) return claim();
  const { position } = await handle(
    store,
    cartDecider,
    cartStream(guestCartId),
    { type: 'CloseMergedCart', data: { cartId: guestCartId, intoCartId: target } },
    as,
  );
  return { cartId: target, position };
}
