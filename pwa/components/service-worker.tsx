'use client';
import { Serwist } from '@serwist/window';
import { useEffect, useState } from 'react';
import { drainOutbox } from '@/lib/cart';
import { PRODUCTION_BUILD } from '@/lib/public-env';

/**
 * Registers the service worker, drains the cart outbox whenever the network returns, and
 * tells the shopper when a new version is ready (it takes over only when they say so).
 */
export function ServiceWorker() {
  const [update, setUpdate] = useState<Serwist | null>(null);

  useEffect(() => {
    const drain = () => void drainOutbox();
    window.addEventListener('online', drain);
    if (navigator.onLine) drain();
    if (!('serviceWorker' in navigator) || !PRODUCTION_BUILD) {
      return () => window.removeEventListener('online', drain);
    }
    const sw = new Serwist('/sw.js', { scope: '/', type: 'classic' });
    sw.addEventListener('waiting', () => setUpdate(sw));
    // After the page has loaded: precaching must not compete with the first paint.
    const register = () => void sw.register();
    if (document.readyState === 'complete') register();
    else window.addEventListener('load', register, { once: true });
    return () => {
      window.removeEventListener('online', drain);
      window.removeEventListener('load', register);
    };
  }, []);

  if (!update) return null;
  return (
    <div className="toast" role="status">
      <span>A new version of the shop is ready.</span>
      <button
        type="button"
        onClick={() => {
          // The new worker takes over, then the page reloads under it.
          navigator.serviceWorker.addEventListener('controllerchange', () => window.location.reload(), { once: true });
          update.messageSkipWaiting();
        }}
      >
        Reload
      </button>
    </div>
  );
}
