import { z } from 'zod';
import type { Logger } from './logger.ts';
import { createRedis, type Redis } from './redis.ts';

/**
 * What a projection changed in its live read model, published on Redis pub/sub after the
 * transaction that changed it committed: `streams` names the event streams whose events were
 * applied (`order-…`, `product-…`), or is `all` when a rebuild swapped in a whole new model.
 * `position` is the projection's checkpoint after the change.
 *
 * Readers (the read cache, live order updates) use it to act early, never as the only truth:
 * pub/sub drops a message when a subscriber is away or Redis restarts, so each reader bounds
 * what a lost message can cost on its own (the cache by its entries' lifetime, a live stream
 * by re-reading now and then).
 */
export const Change = z.object({
  projection: z.string(),
  position: z.string(),
  streams: z.union([z.array(z.string()), z.literal('all')]),
});
export type Change = z.infer<typeof Change>;

/** One channel per deployment (QUEUE_PREFIX), so test stacks sharing a Redis hear only their own. */
export const changesChannel = (prefix: string) => `${prefix}:changes`;

export type PublishChange = (change: Change) => Promise<void>;

/**
 * Publishes on a connection that fails at once while Redis is away: a projector must not
 * stall on its notice, since the read model it committed is already right; the loss is
 * logged and costs readers only what they bound themselves to.
 */
export function changePublisher(redis: Redis, prefix: string, logger: Logger): PublishChange {
  const channel = changesChannel(prefix);
  return async (change) => {
    try {
      await redis.publish(channel, JSON.stringify(change));
    } catch (err) {
      logger.warn({ err, projection: change.projection }, 'change notice not published');
    }
  };
}

/**
 * Calls `onChange` for every change published under `prefix`, on a connection of its own
 * (a subscribed connection can do nothing else). ioredis re-subscribes after a reconnect;
 * `onReconnect` tells the caller that notices may have been missed meanwhile.
 */
export function subscribeChanges({
  url,
  prefix,
  logger,
  onChange,
  onReconnect = () => {},
}: {
  url: string;
  prefix: string;
  logger: Logger;
  onChange: (change: Change) => void;
  onReconnect?: () => void;
}): { subscribed: Promise<void>; close: () => void } {
  const channel = changesChannel(prefix);
  // Commands wait for the connection here: the subscription is made once Redis answers.
  const sub = createRedis(url);
  sub.on('error', (err) => logger.debug({ err }, 'redis (change feed)'));
  let ready = false;
  sub.on('ready', () => {
    if (ready) onReconnect();
    ready = true;
  });
  sub.on('message', (from, text) => {
    if (from !== channel) return;
    const change = parseChange(text);
    if (change) onChange(change);
    else logger.warn({ channel }, 'malformed change notice ignored');
  });
  // Redis away at start: the subscription is made when it comes back; after a reconnect
  // ioredis subscribes again by itself.
  const subscribed = sub.subscribe(channel).then(
    () => {},
    (err) => logger.warn({ err }, 'change feed not subscribed'),
  );
  return { subscribed, close: () => sub.disconnect() };
}

/** A notice as published, or null for anything else on the channel (not JSON, another shape). */
function parseChange(text: string): Change | null {
  try {
    const parsed = Change.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
