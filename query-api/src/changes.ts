import { type Change, subscribeChanges } from '@flowdose/shared/change-feed';
import type { Logger } from '@flowdose/shared/logger';

/**
 * The query API's one subscription to the projections' change feed, shared by everything
 * here that acts on it (the read cache, live order streams). `onMissed` fires after Redis
 * came back from an outage: notices published meanwhile are gone, so a listener that relies
 * on them re-reads what it holds.
 */
export type ChangeHub = {
  onChange(listener: (change: Change) => void): () => void;
  onMissed(listener: () => void): () => void;
  /** Resolves once the subscription is made (tests wait for it before acting). */
  subscribed: Promise<void>;
  close(): void;
};

export function createChangeHub({ url, prefix, logger }: { url: string; prefix: string; logger: Logger }): ChangeHub {
  const changeListeners = new Set<(change: Change) => void>();
  const missedListeners = new Set<() => void>();
  const each = <A extends unknown[]>(listeners: Set<(...a: A) => void>, ...args: A) => {
    for (const listener of listeners) {
      try {
        listener(...args);
      } catch (err) {
        // One listener's fault must not keep the notice from the others.
        logger.error({ err }, 'change listener failed');
      }
    }
  };
  const feed = subscribeChanges({
    url,
    prefix,
    logger,
    onChange: (change) => each(changeListeners, change),
    onReconnect: () => each(missedListeners),
  });
  return {
    onChange(listener) {
      changeListeners.add(listener);
      return () => changeListeners.delete(listener);
    },
    onMissed(listener) {
      missedListeners.add(listener);
      return () => missedListeners.delete(listener);
    },
    subscribed: feed.subscribed,
    close: () => feed.close(),
  };
}
