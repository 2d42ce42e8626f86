// How big a cart may grow: the decider refuses beyond these, the event schemas check them.
export const MAX_LINE_QUANTITY = 99;
export const MAX_LINES = 50;
