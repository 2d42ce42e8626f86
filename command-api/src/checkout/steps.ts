import { cartDecider } from '@flowdose/domain/cart/decider';
import { cartStream } from '@flowdose/domain/cart/events';
import type { Running, StepOutcome, StepStatus } from '@flowdose/domain/checkout/process';
import { discountDecider } from '@flowdose/domain/discount/decider';
import { discountStream } from '@flowdose/domain/discount/events';
import { DomainError } from '@flowdose/domain/errors';
import { inventoryDecider } from '@flowdose/domain/inventory/decider';
import { inventoryStream } from '@flowdose/domain/inventory/events';
import { orderDecider } from '@flowdose/domain/order/decider';
import { orderStream } from '@flowdose/domain/order/events';
import { ConcurrencyError } from '@flowdose/shared/errors';
import type { CommandContext } from '@flowdose/shared/http/context';
import type { Deps } from '../deps.ts';
import { handle, loadState, withKey } from '../handle-command.ts';
import { HOT_STREAM_ATTEMPTS, releaseDiscountUse, releaseReservations } from '../holds.ts';
import { cancelOrder } from '../order-actions.ts';

export type CheckoutDeps = Pick<Deps, 'store' | 'pool' | 'payments' | 'clock' | 'config' | 'prices'>;

/**
 * One key per step: event ids derive from the key and the stream, so a step run again (by
 * a retry or the recovery sweep) repeats only itself, and two runners agree on every id.
 */
export const stepCtx = (ctx: CommandContext, orderId: string, name: string) =>
  withKey(ctx, `checkout:${orderId}:${name}`);

type Act<T> = (deps: CheckoutDeps, ctx: CommandContext, process: Running) => Promise<T>;
type Step<S extends StepStatus> = {
  /** Acts (each call keyed, so it may run again), then answers the event recording its outcome. */
  run: Act<StepOutcome<S>>;
  /**
   * Gives back what `run` took, whether or not its outcome was recorded: run by the give-back
   * for every step taken, latest first, and so always safe to repeat or to find nothing to do.
   */
  undo?: Act<void>;
};

/**
 * The checkout's steps with their undo, under the status each runs from; their order and
 * which one a plan skips are the domain's (CHECKOUT_STEPS), as is the point of no return the
 * recovery sweep goes by (POINT_OF_NO_RETURN). The runner and the give-back (checkout.ts)
 * work from this one table.
 */
export const STEPS: { [S in StepStatus]: Step<S> } = {
  started: { run: holdStock, undo: releaseStock },
  held: { run: redeemDiscount, undo: giveDiscountBack },
  redeemed: { run: requestPayment },
  paying: { run: authorize, undo: voidAuthorization },
  paid: { run: placeOrder, undo: cancelPlacedOrder },
  placed: { run: closeCart },
};

const reasonOf = ({ failure }: Running) => failure?.code ?? 'checkout failed';

/** Holds every line's stock, all or none: a refusal leaves the holds taken for `releaseStock`. */
async function holdStock(deps: CheckoutDeps, ctx: CommandContext, { orderId, plan }: Running) {
  const outcomes = await Promise.allSettled(
    plan.reservations.map(async (r) => {
      const { duplicate } = await handle(
        deps.store,
        inventoryDecider,
        inventoryStream(r.sku),
        // A function of the state: a hold an earlier run took is not taken twice.
        (state) =>
          state.reservations.has(r.reservationId)
            ? null
            : { type: 'Reserve', data: { ...r, expiresAt: plan.expiresAt, orderId } },
        stepCtx(ctx, orderId, 'reserve'),
        { attempts: HOT_STREAM_ATTEMPTS },
      );
      // The hold's event exists from an earlier run, but the hold is gone (expired and
      // released): the ids derive from the same key, so it cannot be taken again.
      if (
        duplicate &&
        !(await loadState(deps.store, inventoryDecider, inventoryStream(r.sku))).state.reservations.has(r.reservationId)
      ) {
        throw new DomainError('checkout-ended', 'This checkout was tried before and ended; check out again.');
      }
    }),
  );
  const failed = plan.reservations.flatMap((r, i) => {
    const outcome = outcomes[i]!;
    return outcome.status === 'rejected' ? [{ ...r, error: outcome.reason as unknown }] : [];
  });
  if (failed.length > 0) {
    const short = failed.filter((f) => f.error instanceof DomainError && f.error.code === 'out-of-stock');
    if (short.length < failed.length) throw failed[0]!.error;
    throw new DomainError(
      'out-of-stock',
      `Not enough stock for: ${short.map((s) => `${s.sku} (${s.quantity} asked)`).join(', ')}.`,
    );
  }
  return { type: 'CheckoutStockHeld', data: { orderId } } as const;
}

async function releaseStock(deps: CheckoutDeps, ctx: CommandContext, process: Running) {
  const { orderId, plan } = process;
  await releaseReservations(deps.store, stepCtx(ctx, orderId, 'release'), plan.reservations, reasonOf(process));
}

async function redeemDiscount(deps: CheckoutDeps, ctx: CommandContext, { orderId, plan }: Running) {
  const code = plan.order.discountCode;
  if (code === undefined) throw new Error('the discount step runs only for a plan with a code');
  // Judged as when the checkout was decided, whoever runs the step and whenever.
  const use = { currency: plan.currency, subtotal: plan.order.totals.subtotal, at: new Date(plan.decidedAt) };
  // The code's stream decides its usage limit: concurrent checkouts race on its version.
  await handle(
    deps.store,
    discountDecider,
    discountStream(code),
    { type: 'RedeemDiscount', data: { code, orderId, ...use } },
    stepCtx(ctx, orderId, 'redeem'),
    { attempts: HOT_STREAM_ATTEMPTS },
  );
  return { type: 'CheckoutDiscountRedeemed', data: { orderId, code } } as const;
}

async function giveDiscountBack(deps: CheckoutDeps, ctx: CommandContext, process: Running) {
  const { orderId, plan } = process;
  const code = plan.order.discountCode;
  await releaseDiscountUse(deps.store, stepCtx(ctx, orderId, 'release-discount'), code, orderId, reasonOf(process));
}

// The provider's key derives from the process: every runner asks (and looks up) the same payment.
const authorizationKey = (orderId: string) => `authorize:${orderId}`;

/** Acts on nothing: the intent alone, recorded before the provider is asked. */
async function requestPayment(_deps: CheckoutDeps, _ctx: CommandContext, { orderId, plan }: Running) {
  const idempotencyKey = authorizationKey(orderId);
  return {
    type: 'CheckoutPaymentRequested',
    data: { orderId, amount: plan.order.totals.grandTotal, idempotencyKey },
  } as const;
}

const placeCommand = ({ plan }: Running, paymentId: string | null) =>
  ({ type: 'PlaceOrder', data: { ...plan.order, paymentId } }) as const;

/**
 * Asks the provider for the payment. Asking again with the same key answers the first
 * outcome: how a runner learns the payment after a crash between the answer and its record.
 */
async function authorize(deps: CheckoutDeps, _ctx: CommandContext, process: Running) {
  const { orderId, plan } = process;
  // An order tombstoned when its stock hold expired can never be placed: its decider's refusal
  // comes here, before the provider is asked, so no payment is taken only to be voided.
  const { state: order } = await loadState(deps.store, orderDecider, orderStream(orderId));
  if (order.status === 'expired') orderDecider.decide(placeCommand(process, null), order);
  const payment = await deps.payments.authorize({
    orderId,
    amount: plan.order.totals.grandTotal,
    currency: plan.currency,
    paymentMethod: plan.paymentMethod,
    idempotencyKey: authorizationKey(orderId),
  });
  if (payment.status === 'declined') throw new DomainError('payment-declined', payment.reason);
  return {
    type: 'CheckoutPaymentAuthorized',
    data: { orderId, paymentId: payment.paymentId, confirmed: payment.status === 'authorized' },
  } as const;
}

/**
 * Cancels the payment by its key, never asking for one: a checkout stopped before the
 * provider was called has nothing to void, and its key can no longer take the card (a runner
 * still on its way to the provider is declined).
 */
async function voidAuthorization(deps: CheckoutDeps, _ctx: CommandContext, { orderId }: Running) {
  await deps.payments.cancelAuthorization({
    idempotencyKey: authorizationKey(orderId),
    voidKey: `checkout-void:${orderId}`,
  });
}

async function placeOrder(deps: CheckoutDeps, ctx: CommandContext, process: Running) {
  const { orderId, plan } = process;
  const { paymentId, confirmed } = process.payment!;
  const { state: order } = await loadState(deps.store, orderDecider, orderStream(orderId));
  // The shopper may have checked the cart out another way meanwhile (a retry under a new key
  // after a crash), or changed it: then this order is never placed, rather than placed and
  // canceled in their history. Once placed (an earlier run), closing the cart decides. (The
  // cart closes only after its order is placed, so an unplaced order never finds it closed by
  // itself.) Two runners may both pass this look before either places: the one whose cart
  // close loses is canceled, its payment voided, as before this check.
  if (order.status === 'none') {
    const { state: cart, version } = await loadState(deps.store, cartDecider, cartStream(plan.cartId));
    if (cart.status !== 'open' || version !== BigInt(plan.cartVersion)) throw cartChanged();
  }
  const place = placeCommand(process, paymentId);
  await handle(
    deps.store,
    orderDecider,
    orderStream(orderId),
    // Placed by an earlier run of this process: nothing to add. Expired: refused by the decider.
    // An unconfirmed payment is confirmed later, by the provider's webhook.
    (state) =>
      state.status !== 'none' && state.status !== 'expired'
        ? null
        : confirmed
          ? [place, { type: 'AuthorizePayment', data: { orderId, paymentId } }]
          : place,
    stepCtx(ctx, orderId, 'place'),
  );
  return { type: 'CheckoutOrderPlaced', data: { orderId } } as const;
}

/**
 * A placed order is canceled through its own step, which voids the payment, releases the
 * stock and gives the discount use back: the earlier steps' undos then find nothing left.
 */
async function cancelPlacedOrder(deps: CheckoutDeps, ctx: CommandContext, process: Running) {
  const { orderId } = process;
  const { state: order } = await loadState(deps.store, orderDecider, orderStream(orderId));
  if (order.status === 'none' || order.status === 'expired' || order.status === 'canceled') return;
  await cancelOrder(deps, stepCtx(ctx, orderId, 'cancel'), orderId, reasonOf(process));
}

const cartChanged = () => new DomainError('cart-changed', 'The cart changed during checkout; review it and try again.');

/** The cart closes at the version the checkout was decided on: changed meanwhile, the order is undone. */
async function closeCart(deps: CheckoutDeps, ctx: CommandContext, { orderId, plan }: Running) {
  const { cartId } = plan;
  const { state } = await loadState(deps.store, cartDecider, cartStream(cartId));
  if (state.status !== 'checkedOut' || state.orderId !== orderId) {
    try {
      await handle(
        deps.store,
        cartDecider,
        cartStream(cartId),
        { type: 'CheckOutCart', data: { cartId, orderId } },
        stepCtx(ctx, orderId, 'close-cart'),
        { atVersion: BigInt(plan.cartVersion) },
      );
    } catch (error) {
      if (!(error instanceof ConcurrencyError) && !(error instanceof DomainError)) throw error;
      throw cartChanged();
    }
  }
  return { type: 'CheckoutCompleted', data: { orderId } } as const;
}
