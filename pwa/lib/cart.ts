import type { Problem } from '@flowdose/contract/common';
import type { Money } from '@flowdose/domain/money';
import { problemType } from '@flowdose/domain/problems';
import { STORE_CURRENCY } from '@flowdose/domain/store-currency';
import { applyChange, cartView, linesOf, serverCart } from './cart-view';
import { fetchAs } from './session';
import {
  announce,
  type CartOp,
  type CartRef,
  db,
  getMeta,
  META,
  type ServerLine,
  type SkuInfo,
  setMeta,
} from './store';

const OUTBOX_LOCK = 'flowdose-outbox';
export const SYNC_TAG = 'cart-outbox';

export async function loadCart() {
  const database = await db();
  const [server, outbox, skus, refusals, cart] = await Promise.all([
    getMeta<ServerLine[]>(META.serverLines),
    database.getAll('outbox'),
    database.getAll('skus'),
    database.getAll('refusals'),
    getMeta<CartRef>(META.cart),
  ]);
  const { lines, totals } = cartView(
    cart,
    server ?? [],
    outbox,
    new Map(skus.map((s) => [s.sku, s])),
    new Map(refusals.map((r) => [r.sku, r.detail])),
  );
  return { cart, lines, totals, pending: outbox.length };
}

/** Records a change at once (shown before the server hears of it) and sends it when it can. */
export async function changeCart(
  op: { kind: 'add' | 'set'; sku: string; quantity: number } | { kind: 'remove'; sku: string },
  info?: SkuInfo,
) {
  const database = await db();
  const tx = database.transaction(['meta', 'outbox', 'skus', 'refusals'], 'readwrite');
  const cart = (await tx.objectStore('meta').get(META.cart)) as CartRef | undefined;
  const queued = await tx.objectStore('outbox').getAll();
  if (!cart && !queued.some((o) => o.kind === 'open')) {
    await tx.objectStore('outbox').add({ key: crypto.randomUUID(), kind: 'open', currency: STORE_CURRENCY });
  }
  await tx.objectStore('outbox').add({ ...op, key: crypto.randomUUID() });
  if (info) await tx.objectStore('skus').put(info);
  await tx.objectStore('refusals').delete(op.sku);
  await tx.done;
  announce();
  await requestSync();
}

/** The shopper has seen the new price: it is the one they expect from now on. */
export async function acceptPrice(sku: string, unitPrice: Money) {
  const database = await db();
  const info = await database.get('skus', sku);
  if (info) await database.put('skus', { ...info, unitPrice });
  announce();
}

export async function dismissRefusal(sku: string) {
  await (await db()).delete('refusals', sku);
  announce();
}

/** Background Sync where the browser has it; the page also drains now, and on `online`. */
async function requestSync() {
  if (typeof window === 'undefined') return;
  try {
    const registration = await navigator.serviceWorker?.getRegistration();
    const sync = (
      registration as (ServiceWorkerRegistration & { sync?: { register(tag: string): Promise<void> } }) | undefined
    )?.sync;
    await sync?.register(SYNC_TAG);
  } catch {
    // No Background Sync here: the online event covers it.
  }
  if (navigator.onLine) void drainOutbox();
}

const TRANSIENT: ReadonlySet<string> = new Set([
  problemType('idempotency-key-in-use'),
  problemType('concurrency-conflict'),
]);
const RETRIES = 8;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const cartHeaders = (cart: CartRef): Record<string, string> => ({
  'content-type': 'application/json',
  ...(cart.cartToken ? { 'X-Cart-Token': cart.cartToken } : {}),
});

type Sent =
  | { outcome: 'accepted'; body: Record<string, unknown>; replayed: boolean }
  | { outcome: 'refused'; detail: string; cartGone: boolean }
  | { outcome: 'later' }
  | { outcome: 'again' }
  | { outcome: 'skipped' };

async function send(op: CartOp): Promise<Sent> {
  const cart = await getMeta<CartRef>(META.cart);
  const lines = (await getMeta<ServerLine[]>(META.serverLines)) ?? [];
  let request: { path: string; method: string; body?: unknown };
  if (op.kind === 'open') {
    if (cart) return { outcome: 'skipped' };
    request = { path: '/api/commands/carts', method: 'POST', body: { currency: op.currency } };
  } else {
    if (!cart) return { outcome: 'refused', detail: 'The cart could not be opened.', cartGone: false };
    const line = lines.find((l) => l.sku === op.sku);
    const base = `/api/commands/carts/${cart.cartId}/items`;
    if (op.kind === 'add') request = { path: base, method: 'POST', body: { sku: op.sku, quantity: op.quantity } };
    // A line the server never had (its add was refused) has nothing to change.
    else if (!line) return { outcome: 'skipped' };
    else if (op.kind === 'set')
      request = { path: `${base}/${line.lineId}`, method: 'PATCH', body: { quantity: op.quantity } };
    else request = { path: `${base}/${line.lineId}`, method: 'DELETE' };
  }
  let res: Response;
  try {
    res = await fetchAs(request.path, {
      method: request.method,
      headers: { ...(cart ? cartHeaders(cart) : { 'content-type': 'application/json' }), 'Idempotency-Key': op.key },
      ...(request.body ? { body: JSON.stringify(request.body) } : {}),
    });
  } catch {
    return { outcome: 'later' };
  }
  // Not the shopper's doing: the network or the server; the change waits.
  if (res.status >= 500 || res.status === 429 || res.status === 408) return { outcome: 'later' };
  const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  if (res.ok) return { outcome: 'accepted', body, replayed: res.headers.get('idempotent-replayed') === 'true' };
  const problem = body as Partial<Problem>;
  // Not a refusal: the same change is still running on the server (its answer was lost to a
  // dropped connection), or the cart moved while it was applied. Sent again shortly, it lands.
  if (problem.type && TRANSIENT.has(problem.type)) return { outcome: 'again' };
  const cartGone = res.status === 404 || problem.type === problemType('cart-not-open');
  return { outcome: 'refused', detail: problem.detail ?? problem.title ?? `Refused (${res.status})`, cartGone };
}

/**
 * The server accepted `op`: what it now holds is what the shopper saw. Answers false when
 * the local lines cannot tell: a replayed answer means an earlier send (whose answer was
 * lost) applied the change, and a read of the server's cart since may already hold it, so
 * adding it here again would count it twice. Then only the server's cart can say.
 */
async function accepted(op: CartOp, body: Record<string, unknown>, replayed: boolean): Promise<boolean> {
  if (typeof body.position === 'string') await setMeta(META.position, body.position);
  if (replayed && op.kind !== 'open') return false;
  if (op.kind === 'open') {
    await setMeta(META.cart, {
      cartId: String(body.cartId),
      cartToken: String(body.cartToken),
      currency: op.currency,
    } satisfies CartRef);
    await setMeta(META.serverLines, []);
    return true;
  }
  // The server decided with the same decider: deciding again on its cart as last read gives
  // what it now holds, unless that copy is behind (another tab, another device).
  const server = serverCart(await getMeta<CartRef>(META.cart), (await getMeta<ServerLine[]>(META.serverLines)) ?? []);
  const info = await (await db()).get('skus', op.sku);
  try {
    await setMeta(META.serverLines, linesOf(applyChange(server, op, String(body.lineId), info?.unitPrice)));
    return true;
  } catch {
    return false;
  }
}

/**
 * Sends the outbox in order, one change at a time, under a lock shared by every tab and the
 * service worker: each change once, in the order it was made. A refused change is kept on
 * its line and taken out; a change that meets no network stays for the next try.
 */
export async function drainOutbox(): Promise<'drained' | 'waiting'> {
  return await navigator.locks.request(OUTBOX_LOCK, async (): Promise<'drained' | 'waiting'> => {
    const database = await db();
    for (let tries = 0; ; ) {
      const op = (await database.transaction('outbox').store.openCursor())?.value;
      if (!op) break;
      const sent = await send(op);
      if (sent.outcome === 'again' && ++tries < RETRIES) {
        await pause(100 * 2 ** tries);
        continue;
      }
      if (sent.outcome === 'later' || sent.outcome === 'again') return 'waiting';
      // A replayed change leaves the outbox only once the server's cart, read at its
      // position, shows it: until then the outbox is what shows it.
      if (sent.outcome === 'accepted' && !(await accepted(op, sent.body, sent.replayed)) && !(await readServerCart())) {
        if (++tries < RETRIES) {
          await pause(100 * 2 ** tries);
          continue;
        }
        return 'waiting';
      }
      tries = 0;
      if (sent.outcome === 'refused' && op.kind !== 'open') {
        await database.put('refusals', { sku: op.sku, detail: sent.detail, at: new Date().toISOString() });
      }
      if (sent.outcome === 'refused' && sent.cartGone) await forgetCart();
      await database.delete('outbox', op.seq!);
      announce();
    }
    await readServerCart();
    return 'drained';
  });
}

/**
 * The cart as the read model holds it, once it has caught up with our last change. Under
 * the outbox lock: a read that overtook a change being sent would put back the cart from
 * before it.
 */
export const refreshFromServer = () => navigator.locks.request(OUTBOX_LOCK, readServerCart);

/** Answers whether the server's cart was read (false: offline, or not caught up in time). */
async function readServerCart(): Promise<boolean> {
  const cart = await getMeta<CartRef>(META.cart);
  if (!cart) return true;
  const position = await getMeta<string>(META.position);
  try {
    const res = await fetchAs(`/api/queries/carts/${cart.cartId}`, {
      headers: { ...cartHeaders(cart), ...(position ? { 'X-Min-Position': position } : {}) },
    });
    if (!res.ok) return false;
    const body = (await res.json()) as { status: string; lines: ServerLine[] };
    // Changes made while this read was on its way are still in the outbox and show on top.
    await setMeta(
      META.serverLines,
      body.lines.map(({ lineId, sku, quantity, unitPrice }) => ({ lineId, sku, quantity, unitPrice })),
    );
    if (body.status !== 'open') await forgetCart();
    announce();
    return true;
  } catch {
    // Offline: what the shopper sees stays as it is.
    return false;
  }
}

/** After checkout (or when the server no longer has it) the next change opens a new cart. */
export async function forgetCart() {
  await setMeta(META.cart, undefined);
  await setMeta(META.serverLines, []);
  announce();
}
