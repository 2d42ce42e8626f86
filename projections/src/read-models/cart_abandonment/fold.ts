import type { ShopDay } from '../shop-day.ts';

/** A cart event as the fold needs it: `at` is when it was recorded. */
export type AbandonmentEvent = { cartId: string; at: Date } & (
  | { type: 'CartOpened'; currency: string }
  | { type: 'CartItemAdded'; lineId: string; unitPrice: number; quantity: number }
  | { type: 'CartItemQuantityChanged'; lineId: string; quantity: number }
  | { type: 'CartItemRemoved'; lineId: string }
  | { type: 'CartCheckedOut' | 'CartMerged' | 'CartClaimed' }
);

type Status = 'open' | 'checked_out' | 'merged';

/**
 * What a run of events does to one line, whatever it held before: set it (an add, then maybe
 * quantity changes), remove it, or change the quantity of the line it has, if it has one.
 */
export type LineChange = { set: [unitPrice: number, quantity: number] } | { quantity: number } | 'removed';

/** What a run of a cart's events (CartOpened aside) does to its row. */
type CartPatch = { lines: Map<string, LineChange>; status: Status | null; latest: Date | null };

/** A cart's row, as `cart_abandonment` holds it (line id → [unit price, quantity]). */
export type CartState = {
  currency: string;
  status: Status;
  lineValues: Record<string, [number, number]>;
  lastActivity: Date;
};

const emptyPatch = (): CartPatch => ({ lines: new Map(), status: null, latest: null });

/** The patch with one more event. */
function extend(patch: CartPatch, e: Exclude<AbandonmentEvent, { type: 'CartOpened' }>): void {
  if (patch.latest === null || e.at > patch.latest) patch.latest = e.at;
  switch (e.type) {
    case 'CartItemAdded':
      patch.lines.set(e.lineId, { set: [e.unitPrice, e.quantity] });
      break;
    case 'CartItemQuantityChanged': {
      const before = patch.lines.get(e.lineId);
      if (before === undefined || (typeof before === 'object' && 'quantity' in before)) {
        patch.lines.set(e.lineId, { quantity: e.quantity });
      } else if (before !== 'removed') patch.lines.set(e.lineId, { set: [before.set[0], e.quantity] });
      break;
    }
    case 'CartItemRemoved':
      patch.lines.set(e.lineId, 'removed');
      break;
    case 'CartCheckedOut':
      patch.status = 'checked_out';
      break;
    case 'CartMerged':
      patch.status = 'merged';
      break;
    case 'CartClaimed':
      break;
    default: {
      const _exhaustive: never = e;
    }
  }
}

/** A cart's row after a patch: as applying its events one by one would leave it. */
export function applyPatch(state: CartState, patch: CartPatch): CartState {
  const lineValues = { ...state.lineValues };
  for (const [lineId, change] of patch.lines) {
    if (change === 'removed') delete lineValues[lineId];
    else if ('set' in change) lineValues[lineId] = change.set;
    else if (lineValues[lineId]) lineValues[lineId] = [lineValues[lineId][0], change.quantity];
  }
  return {
    ...state,
    status: patch.status ?? state.status,
    lineValues,
    lastActivity: patch.latest !== null && patch.latest > state.lastActivity ? patch.latest : state.lastActivity,
  };
}

/** The row's derived columns: its line count, their value (unit price × quantity) and its activity's shop day. */
export const rowOf = (state: CartState, shopDay: ShopDay) => ({
  lines: Object.keys(state.lineValues).length,
  value: Object.values(state.lineValues).reduce((sum, [price, quantity]) => sum + price * quantity, 0),
  lastDay: shopDay(state.lastActivity),
});

/**
 * A chunk's cart events per cart, as applying them one by one would act: an event before
 * the cart's CartOpened changes nothing (its row is not there yet), and a CartOpened of a
 * cart that has a row changes nothing. So each cart gets two answers, the statement picking
 * by whether the row was there before the chunk: `patches`, every event but CartOpened, for
 * a row that was; `opened`, the row a CartOpened in the chunk starts with the events after it,
 * for one that was not.
 */
export function foldCarts(events: readonly AbandonmentEvent[]): {
  patches: Map<string, CartPatch>;
  opened: Map<string, CartState>;
} {
  const patches = new Map<string, CartPatch>();
  const afterOpen = new Map<string, { start: CartState; patch: CartPatch }>();
  for (const e of events) {
    if (e.type === 'CartOpened') {
      if (!afterOpen.has(e.cartId)) {
        const start: CartState = { currency: e.currency, status: 'open', lineValues: {}, lastActivity: e.at };
        afterOpen.set(e.cartId, { start, patch: emptyPatch() });
      }
      continue;
    }
    const patch = patches.get(e.cartId) ?? emptyPatch();
    patches.set(e.cartId, patch);
    extend(patch, e);
    const opened = afterOpen.get(e.cartId);
    if (opened) extend(opened.patch, e);
  }
  const opened = new Map([...afterOpen].map(([cartId, { start, patch }]) => [cartId, applyPatch(start, patch)]));
  return { patches, opened };
}
