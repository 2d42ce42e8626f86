import type { Currency, Money } from '@flowdose/domain/money';
import { type DBSchema, type IDBPDatabase, openDB } from 'idb';

/** One cart mutation waiting for the network, with the Idempotency-Key it is sent with. */
export type CartOp =
  | { seq?: number; key: string; kind: 'open'; currency: Currency }
  | { seq?: number; key: string; kind: 'add'; sku: string; quantity: number }
  | { seq?: number; key: string; kind: 'set'; sku: string; quantity: number }
  | { seq?: number; key: string; kind: 'remove'; sku: string };

export type ServerLine = { lineId: string; sku: string; quantity: number; unitPrice: Money };
export type CartRef = { cartId: string; cartToken: string | null; currency: Currency };
export type Session = { customerId: string; email: string; accessToken: string; refreshToken: string };
/** What the storefront knows of a SKU to show it in the cart before the server answers. */
export type SkuInfo = { sku: string; title: string; handle: string; label: string; unitPrice: Money };

interface StoreSchema extends DBSchema {
  meta: {
    key: string;
    value: unknown;
  };
  outbox: { key: number; value: CartOp };
  skus: { key: string; value: SkuInfo };
  /** A change the server refused, by SKU, until the shopper dismisses it. */
  refusals: { key: string; value: { sku: string; detail: string; at: string } };
  /** Guest orders: the cart token that reads each. */
  orders: { key: string; value: { orderId: string; cartToken: string | null; position: string; placedAt: string } };
}

let opened: Promise<IDBPDatabase<StoreSchema>> | null = null;

/** The storefront's IndexedDB, shared by the pages and the service worker. */
export function db() {
  opened ??= openDB<StoreSchema>('flowdose', 1, {
    upgrade(database) {
      database.createObjectStore('meta');
      database.createObjectStore('outbox', { keyPath: 'seq', autoIncrement: true });
      database.createObjectStore('skus', { keyPath: 'sku' });
      database.createObjectStore('refusals', { keyPath: 'sku' });
      database.createObjectStore('orders', { keyPath: 'orderId' });
    },
  });
  return opened;
}

export const getMeta = async <T>(key: string) => (await (await db()).get('meta', key)) as T | undefined;
export const setMeta = async (key: string, value: unknown) => {
  const database = await db();
  if (value === undefined) await database.delete('meta', key);
  else await database.put('meta', value, key);
};

export const META = {
  cart: 'cart',
  serverLines: 'serverLines',
  position: 'position',
  session: 'session',
} as const;

// Every page (and the service worker) that shows the cart hears when it changes.
const CHANNEL = 'flowdose-cart';
export function announce() {
  const channel = new BroadcastChannel(CHANNEL);
  channel.postMessage('changed');
  channel.close();
}
export function onAnnounce(listener: () => void) {
  const channel = new BroadcastChannel(CHANNEL);
  channel.onmessage = listener;
  return () => channel.close();
}
