import createSubscriber from 'pg-listen';

export type Notifications = {
  listen: (channel: string, handler: (payload: string) => void) => Promise<() => void>;
  /** Called after the connection came back: what was sent while it was down is gone, look again. */
  onReconnect: (handler: () => void) => () => void;
  close: () => Promise<void>;
};

/**
 * One LISTEN connection per process, shared by every waiter. pg-listen reconnects after a
 * lost connection; callers still keep a slow fallback check, since a notification sent
 * while reconnecting is gone.
 */
export function createNotifications(connectionString: string, onError: (e: Error) => void): Notifications {
  const subscriber = createSubscriber(
    { connectionString },
    { parse: (s: string) => s, serialize: (s: string) => s, retryTimeout: Number.POSITIVE_INFINITY },
  );
  subscriber.events.on('error', onError);
  const handlers = new Map<string, Set<(payload: string) => void>>();
  const reconnected = new Set<() => void>();
  let connecting: Promise<void> | null = null;
  let connections = 0;
  subscriber.events.on('connected', () => {
    if (++connections > 1) for (const h of reconnected) h();
  });

  return {
    async listen(channel, handler) {
      connecting ??= subscriber.connect();
      await connecting;
      let set = handlers.get(channel);
      if (!set) {
        const created = new Set<(payload: string) => void>();
        handlers.set(channel, created);
        set = created;
        subscriber.notifications.on(channel, (payload: string) => {
          for (const h of created) h(payload ?? '');
        });
        await subscriber.listenTo(channel);
      }
      set.add(handler);
      return () => set.delete(handler);
    },
    onReconnect(handler) {
      reconnected.add(handler);
      return () => reconnected.delete(handler);
    },
    async close() {
      if (connecting) await subscriber.close();
    },
  };
}
