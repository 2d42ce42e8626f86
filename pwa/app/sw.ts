/// <reference lib="webworker" />
import { defaultCache } from '@serwist/next/worker';
import type { PrecacheEntry, SerwistGlobalConfig } from 'serwist';
import { CacheFirst, ExpirationPlugin, NetworkFirst, NetworkOnly, Serwist, StaleWhileRevalidate } from 'serwist';
import { drainOutbox, SYNC_TAG } from '../lib/cart';

declare global {
  interface WorkerGlobalScope extends SerwistGlobalConfig {
    __SW_MANIFEST: (PrecacheEntry | string)[] | undefined;
  }
}
declare const self: ServiceWorkerGlobalScope;

const serwist = new Serwist({
  precacheEntries: self.__SW_MANIFEST,
  // A new version waits until the shopper accepts it (components/service-worker.tsx).
  skipWaiting: false,
  clientsClaim: true,
  navigationPreload: true,
  runtimeCaching: [
    // Carts, orders, accounts: private and always fresh, never kept by the worker.
    {
      matcher: ({ url, sameOrigin }) =>
        sameOrigin && /^\/api\/(commands|queries\/(carts|orders|me|admin))/.test(url.pathname),
      handler: new NetworkOnly(),
    },
    // The back office (its pages, its session, its API calls): staff's data on a device
    // others may use, so never kept either, online or off.
    {
      matcher: ({ url, sameOrigin }) => sameOrigin && /^\/admin(\/|$)/.test(url.pathname),
      handler: new NetworkOnly(),
    },
    // Catalog reads and searches: answered at once from the cache, refreshed behind (so the
    // suggestions of a search made before still come offline; the search page itself is a
    // page, kept below).
    {
      matcher: ({ url, sameOrigin }) =>
        sameOrigin && /^\/api\/queries\/(products|categories|search)(\/|$)/.test(url.pathname),
      handler: new StaleWhileRevalidate({
        cacheName: 'catalog-api',
        plugins: [new ExpirationPlugin({ maxEntries: 200, maxAgeSeconds: 7 * 24 * 3600 })],
      }),
    },
    // Pages: fresh when the network answers soon, the copy seen last when it does not.
    {
      matcher: ({ request, sameOrigin }) => sameOrigin && request.mode === 'navigate',
      handler: new NetworkFirst({
        cacheName: 'pages',
        networkTimeoutSeconds: 3,
        plugins: [new ExpirationPlugin({ maxEntries: 100, maxAgeSeconds: 7 * 24 * 3600 })],
      }),
    },
    // Images (product images at /media/…, which the storefront forwards to the query API, named
    // by their content's hash, so a copy never goes stale): kept once fetched, at most 150 of
    // them for 30 days. A 404 (a rendition not made yet) is not kept.
    {
      matcher: ({ request }) => request.destination === 'image',
      handler: new CacheFirst({
        cacheName: 'images',
        plugins: [new ExpirationPlugin({ maxEntries: 150, maxAgeSeconds: 30 * 24 * 3600, purgeOnQuotaError: true })],
      }),
    },
    ...defaultCache,
  ],
  fallbacks: {
    entries: [{ url: '/~offline', matcher: ({ request }) => request.destination === 'document' }],
  },
});

// Cart changes made offline go out when the browser says the network is back.
self.addEventListener('sync', (event) => {
  const sync = event as ExtendableEvent & { tag: string };
  if (sync.tag !== SYNC_TAG) return;
  sync.waitUntil(
    drainOutbox().then((result) => {
      // Still no network: failing the sync makes the browser try it again later.
      if (result === 'waiting') throw new Error('outbox still waiting');
    }),
  );
});

serwist.addEventListeners();
