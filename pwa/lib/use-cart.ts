'use client';
import { useCallback, useEffect, useState } from 'react';
import { loadCart } from './cart';
import { onAnnounce } from './store';

type Loaded = Awaited<ReturnType<typeof loadCart>>;

/** The cart as the shopper sees it, re-read whenever any tab or the service worker changes it. */
export function useCart(): Loaded & { ready: boolean } {
  const [state, setState] = useState<Loaded & { ready: boolean }>({
    cart: undefined,
    lines: [],
    totals: null,
    pending: 0,
    ready: false,
  });
  const reload = useCallback(() => {
    void loadCart().then((loaded) => setState({ ...loaded, ready: true }));
  }, []);
  useEffect(() => {
    reload();
    return onAnnounce(reload);
  }, [reload]);
  return state;
}

/** Whether the browser believes it is online, kept current. */
export function useOnline() {
  const [online, setOnline] = useState(true);
  useEffect(() => {
    const update = () => setOnline(navigator.onLine);
    update();
    window.addEventListener('online', update);
    window.addEventListener('offline', update);
    return () => {
      window.removeEventListener('online', update);
      window.removeEventListener('offline', update);
    };
  }, []);
  return online;
}
