import type { Discount } from '../checkout/totals.ts';
import type { Decider } from '../decider.ts';
import { DomainError, NotFoundError } from '../errors.ts';
import { eventSchema } from '../event-schemas.ts';
import type { Currency } from '../money.ts';
import { type DiscountDefinition, DiscountEvent } from './events.ts';

export type Use = { currency: Currency; subtotal: number; at: Date };

export type DiscountCommand =
  | { type: 'CreateDiscount'; data: DiscountDefinition }
  | { type: 'RedeemDiscount'; data: { code: string; orderId: string } & Use }
  | { type: 'ReleaseRedemption'; data: { code: string; orderId: string; reason: string } }
  | { type: 'DisableDiscount'; data: { code: string; reason: string } };

export type DiscountState =
  | { status: 'none' }
  | { status: 'active' | 'disabled'; definition: DiscountDefinition; redeemedBy: ReadonlySet<string> };

export const initialState = (): DiscountState => ({ status: 'none' });

export const evolve = (state: DiscountState, event: DiscountEvent): DiscountState => {
  if (event.type === 'DiscountCreated') return { status: 'active', definition: event.data, redeemedBy: new Set() };
  if (state.status === 'none') return state;
  switch (event.type) {
    case 'DiscountRedeemed':
      return { ...state, redeemedBy: new Set(state.redeemedBy).add(event.data.orderId) };
    case 'DiscountRedemptionReleased': {
      const redeemedBy = new Set(state.redeemedBy);
      redeemedBy.delete(event.data.orderId);
      return { ...state, redeemedBy };
    }
    case 'DiscountDisabled':
      return { ...state, status: 'disabled' };
    default: {
      const _exhaustive: never = event;
      return state;
    }
  }
};

const unknown = (code: string) => new DomainError('discount-unknown', `No discount code ${code} exists.`);

/**
 * What the code takes off this use, or why it cannot be used: unknown or disabled, outside
 * its window, used up, in a currency it has no amount for, or below its minimum subtotal.
 * The order that holds a use already may apply it again (a retried checkout).
 */
export function discountFor(state: DiscountState, code: string, use: Use, orderId?: string): Discount {
  if (state.status === 'none') throw unknown(code);
  if (state.status === 'disabled') throw new DomainError('discount-disabled', `The code ${code} is no longer valid.`);
  const { value, minimumSubtotal, validFrom, validUntil, usageLimit } = state.definition;
  if (validFrom && use.at < new Date(validFrom))
    throw new DomainError('discount-not-started', `The code ${code} is valid from ${validFrom}.`);
  if (validUntil && use.at >= new Date(validUntil))
    throw new DomainError('discount-expired', `The code ${code} expired at ${validUntil}.`);
  const holdsUse = orderId !== undefined && state.redeemedBy.has(orderId);
  if (!holdsUse && usageLimit !== null && state.redeemedBy.size >= usageLimit)
    throw new DomainError('discount-exhausted', `The code ${code} has been used up.`);
  const minimum = minimumSubtotal[use.currency] ?? 0;
  if (use.subtotal < minimum)
    throw new DomainError(
      'discount-minimum-not-met',
      `The code ${code} needs a subtotal of at least ${minimum} ${use.currency} (minor units).`,
    );
  if (value.kind === 'percent') return { kind: 'percent', percent: value.percent };
  const amount = value.amountOff[use.currency];
  if (amount === undefined)
    throw new DomainError('discount-not-applicable', `The code ${code} does not apply to ${use.currency} carts.`);
  return { kind: 'fixed', amount };
}

export const decide = (command: DiscountCommand, state: DiscountState): DiscountEvent[] => {
  switch (command.type) {
    case 'CreateDiscount': {
      if (state.status !== 'none')
        throw new DomainError('discount-exists', `The code ${command.data.code} exists already.`);
      const { validFrom, validUntil } = command.data;
      if (validFrom && validUntil && new Date(validUntil) <= new Date(validFrom))
        throw new DomainError('discount-window-empty', 'validUntil must come after validFrom.');
      return [{ type: 'DiscountCreated', data: command.data }];
    }
    case 'RedeemDiscount': {
      const { code, orderId, ...use } = command.data;
      discountFor(state, code, use, orderId);
      if (state.status !== 'none' && state.redeemedBy.has(orderId)) return [];
      return [{ type: 'DiscountRedeemed', data: { code, orderId } }];
    }
    case 'ReleaseRedemption':
      if (state.status === 'none' || !state.redeemedBy.has(command.data.orderId)) return [];
      return [{ type: 'DiscountRedemptionReleased', data: command.data }];
    case 'DisableDiscount':
      if (state.status === 'none') throw new NotFoundError(`Discount ${command.data.code}`);
      if (state.status === 'disabled') return [];
      return [{ type: 'DiscountDisabled', data: command.data }];
    default: {
      const _exhaustive: never = command;
      throw new Error('unknown command');
    }
  }
};

export const discountDecider: Decider<DiscountCommand, DiscountEvent, DiscountState> = {
  decide,
  evolve,
  initialState,
  events: eventSchema(DiscountEvent),
};
