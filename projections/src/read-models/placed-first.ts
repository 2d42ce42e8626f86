/**
 * A chunk's order events less the follow-ups (refunds, cancels) that come before their own
 * order's OrderPlaced in the same chunk. Applied one at a time, such a follow-up found no
 * order and changed nothing; folded with the chunk, the statement would find the order the
 * chunk itself brings. (A follow-up whose order was placed in an earlier chunk is kept.)
 */
export function placedFirst<E extends { type: string; orderId: string }>(events: readonly E[]): E[] {
  // Only follow-ups can be out of place, and a chunk holds few (a refund or cancel for every
  // fifty orders, say): look up the placements of their orders only, not of every order.
  const followedUp = new Set(events.filter((e) => e.type !== 'OrderPlaced').map((e) => e.orderId));
  if (followedUp.size === 0) return [...events];
  const placedAt = new Map<string, number>();
  events.forEach((e, i) => {
    if (e.type === 'OrderPlaced' && followedUp.has(e.orderId)) placedAt.set(e.orderId, i);
  });
  return events.filter((e, i) => {
    if (e.type === 'OrderPlaced') return true;
    const placed = placedAt.get(e.orderId);
    return placed === undefined || placed < i;
  });
}
