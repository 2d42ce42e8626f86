import type { Decider } from '../decider.ts';
import { eventSchema } from '../event-schemas.ts';
import type { CartCommand } from './commands.ts';
import { CartEvent } from './events.ts';
import { type Cart, decide, evolve, initialState } from './rules.ts';

/** The cart's rules (rules.ts) with how its stored events are read: what the servers fold with. */
export const cartDecider: Decider<CartCommand, CartEvent, Cart> = {
  decide,
  evolve,
  initialState,
  events: eventSchema(CartEvent),
};
