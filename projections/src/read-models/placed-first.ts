/**
 * A chunk's order events less the follow-ups (refunds, cancels) that come before their own
 * order's OrderPlaced in the same chunk. Applied one at a time, such a follow-up found no
 * order and changed nothing; folded with the chunk, the statement would find the order the
 * chunk itself brings. (A follow-up whose order was placed in an earlier chunk is kept.)
 */
export function placedFirst<E extends { type: string; orderId: string }>(events: readonly E[]): E[] {
  const placedHere = new Set(events.filter((e) => e.type === 'OrderPlaced').map((e) => e.orderId));
  const placedSoFar = new Set<string>();
  return events.filter((e) => {
    if (e.type === 'OrderPlaced') placedSoFar.add(e.orderId);
    return !placedHere.has(e.orderId) || placedSoFar.has(e.orderId);
  });
}
