// How big a cart may grow: the rules (rules.ts) refuse beyond these; the events' LineQuantity
// checks the quantity too.
export const MAX_LINE_QUANTITY = 99;
export const MAX_LINES = 50;
