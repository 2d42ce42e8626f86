import type { EventSchema } from './event-schemas.ts';

/** A pure decision model: state is a fold of events; a command is decided against it. */
export type Decider<Command, Event, State> = {
  decide: (command: Command, state: State) => Event[];
  evolve: (state: State, event: Event) => State;
  initialState: () => State;
  /** How its stream's stored events are read (checked, upcast) before `evolve` sees them. */
  events: EventSchema<Event>;
};

export const fold = <Event, State>(
  decider: Pick<Decider<unknown, Event, State>, 'evolve' | 'initialState'>,
  events: readonly Event[],
): State => events.reduce(decider.evolve, decider.initialState());
