// The cart's rules: its state, how each event changes it, what each command decides. Pure and
// free of schemas (events and commands are imported as types only), so the storefront folds its
// offline cart with these very functions without shipping zod in every page's first scripts.
import { DomainError, NotFoundError } from '../errors.ts';
import type { Currency, Money } from '../money.ts';
import type {
  AddCartItem,
  CartCommand,
  ChangeCartItemQuantity,
  CheckOutCart,
  ClaimCart,
  CloseMergedCart,
  MergeLines,
  OpenCart,
  RemoveCartItem,
} from './commands.ts';
import type { CartEvent } from './events.ts';
import { MAX_LINE_QUANTITY, MAX_LINES } from './limits.ts';

export type Line = { lineId: string; sku: string; quantity: number; unitPrice: Money };

export type Cart =
  | { status: 'empty' }
  | { status: 'open'; cartId: string; customerId: string | null; currency: Currency; lines: ReadonlyMap<string, Line> }
  | { status: 'checkedOut'; cartId: string; customerId: string | null; orderId: string }
  | { status: 'merged'; cartId: string; customerId: string | null; intoCartId: string };

export const initialState = (): Cart => ({ status: 'empty' });

const withLines = (state: Cart, change: (lines: Map<string, Line>) => void): Cart => {
  if (state.status !== 'open') return state;
  const lines = new Map(state.lines);
  change(lines);
  return { ...state, lines };
};

export const evolve = (state: Cart, event: CartEvent): Cart => {
  switch (event.type) {
    case 'CartOpened':
      return {
        status: 'open',
        cartId: event.data.cartId,
        customerId: event.data.customerId ?? null,
        currency: event.data.currency,
        lines: new Map(),
      };
    case 'CartItemAdded': {
      const { lineId, sku, quantity, unitPrice } = event.data;
      return withLines(state, (lines) => lines.set(lineId, { lineId, sku, quantity, unitPrice }));
    }
    case 'CartItemQuantityChanged':
      return withLines(state, (lines) => {
        const line = lines.get(event.data.lineId);
        if (line) lines.set(line.lineId, { ...line, quantity: event.data.quantity });
      });
    case 'CartItemRemoved':
      return withLines(state, (lines) => lines.delete(event.data.lineId));
    case 'CartCheckedOut':
      return state.status === 'open'
        ? { status: 'checkedOut', cartId: state.cartId, customerId: state.customerId, orderId: event.data.orderId }
        : state;
    case 'CartClaimed':
      return state.status === 'open' ? { ...state, customerId: event.data.customerId } : state;
    case 'CartMerged':
      return state.status === 'open'
        ? { status: 'merged', cartId: state.cartId, customerId: state.customerId, intoCartId: event.data.intoCartId }
        : state;
    default: {
      const _exhaustive: never = event;
      return state;
    }
  }
};

type OpenCartState = Extract<Cart, { status: 'open' }>;

function requireOpen(state: Cart): OpenCartState {
  if (state.status === 'empty') throw new NotFoundError('Cart');
  if (state.status === 'checkedOut') {
    throw new DomainError('cart-not-open', 'The cart was checked out and can no longer change.');
  }
  if (state.status === 'merged') {
    throw new DomainError('cart-not-open', 'The cart was merged into another and can no longer change.');
  }
  return state;
}

function requireLine(state: OpenCartState, lineId: string): Line {
  const line = state.lines.get(lineId);
  if (!line) throw new NotFoundError('Cart line');
  return line;
}

function requireQuantity(quantity: number): void {
  if (!Number.isInteger(quantity) || quantity < 1 || quantity > MAX_LINE_QUANTITY) {
    throw new DomainError('invalid-quantity', `A line holds 1 to ${MAX_LINE_QUANTITY} items.`);
  }
}

const open = ({ data }: OpenCart, state: Cart): CartEvent[] => {
  if (state.status !== 'empty') throw new DomainError('cart-exists', 'This cart already exists.');
  return [{ type: 'CartOpened', data }];
};

const addItem = ({ data }: AddCartItem, state: Cart): CartEvent[] => {
  const cart = requireOpen(state);
  requireQuantity(data.quantity);
  if (data.unitPrice.currency !== cart.currency) {
    throw new DomainError(
      'currency-mismatch',
      `The cart is in ${cart.currency}, the price in ${data.unitPrice.currency}.`,
    );
  }
  // The same variant added again grows its line rather than starting a second one.
  const existing = [...cart.lines.values()].find((line) => line.sku === data.sku);
  if (existing) {
    const quantity = existing.quantity + data.quantity;
    if (quantity > MAX_LINE_QUANTITY) {
      throw new DomainError(
        'quantity-limit',
        `A line holds at most ${MAX_LINE_QUANTITY} items; it has ${existing.quantity}.`,
      );
    }
    return [{ type: 'CartItemQuantityChanged', data: { cartId: data.cartId, lineId: existing.lineId, quantity } }];
  }
  if (cart.lines.size >= MAX_LINES) throw new DomainError('too-many-lines', `A cart holds at most ${MAX_LINES} lines.`);
  return [{ type: 'CartItemAdded', data }];
};

const changeQuantity = ({ data }: ChangeCartItemQuantity, state: Cart): CartEvent[] => {
  const cart = requireOpen(state);
  requireLine(cart, data.lineId);
  requireQuantity(data.quantity);
  return [{ type: 'CartItemQuantityChanged', data }];
};

const removeItem = ({ data }: RemoveCartItem, state: Cart): CartEvent[] => {
  requireLine(requireOpen(state), data.lineId);
  return [{ type: 'CartItemRemoved', data }];
};

const checkOut = ({ data }: CheckOutCart, state: Cart): CartEvent[] => {
  const cart = requireOpen(state);
  if (cart.lines.size === 0) throw new DomainError('cart-empty', 'An empty cart cannot be checked out.');
  return [{ type: 'CartCheckedOut', data }];
};

const claim = ({ data }: ClaimCart, state: Cart): CartEvent[] => {
  const cart = requireOpen(state);
  if (cart.customerId) throw new DomainError('cart-owned', 'This cart belongs to a customer already.');
  return [{ type: 'CartClaimed', data }];
};

// Lines are summed into the same SKU's line and capped at the limits rather than refused:
// a shopper who signs in keeps as much of their guest cart as the rules allow.
const mergeLines = ({ data }: MergeLines, state: Cart): CartEvent[] => {
  let cart = requireOpen(state);
  const events: CartEvent[] = [];
  for (const line of data.lines) {
    const existing = [...cart.lines.values()].find((l) => l.sku === line.sku);
    let event: CartEvent | null = null;
    if (existing) {
      const quantity = Math.min(MAX_LINE_QUANTITY, existing.quantity + line.quantity);
      if (quantity !== existing.quantity) {
        event = { type: 'CartItemQuantityChanged', data: { cartId: data.cartId, lineId: existing.lineId, quantity } };
      }
    } else if (cart.lines.size < MAX_LINES && line.unitPrice.currency === cart.currency) {
      const quantity = Math.min(MAX_LINE_QUANTITY, Math.max(1, line.quantity));
      const { lineId, sku, unitPrice } = line;
      event = { type: 'CartItemAdded', data: { cartId: data.cartId, lineId, sku, quantity, unitPrice } };
    }
    if (event) {
      events.push(event);
      cart = requireOpen(evolve(cart, event));
    }
  }
  return events;
};

const closeMerged = ({ data }: CloseMergedCart, state: Cart): CartEvent[] => {
  requireOpen(state);
  return [{ type: 'CartMerged', data }];
};

export const decide = (command: CartCommand, state: Cart): CartEvent[] => {
  switch (command.type) {
    case 'OpenCart':
      return open(command, state);
    case 'AddCartItem':
      return addItem(command, state);
    case 'ChangeCartItemQuantity':
      return changeQuantity(command, state);
    case 'RemoveCartItem':
      return removeItem(command, state);
    case 'CheckOutCart':
      return checkOut(command, state);
    case 'ClaimCart':
      return claim(command, state);
    case 'MergeLines':
      return mergeLines(command, state);
    case 'CloseMergedCart':
      return closeMerged(command, state);
    default: {
      const _exhaustive: never = command;
      throw new Error('unknown command');
    }
  }
};
