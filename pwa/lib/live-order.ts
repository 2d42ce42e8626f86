'use client';

import { readEventStream } from '@flowdose/contract/event-stream';
import type { OrderView } from '@flowdose/contract/query-api';
import { useEffect, useRef, useState } from 'react';

/**
 * Opens the order's live stream (GET /orders/:orderId/live through the page's proxy) with the
 * caller's credentials; `lastEventId` is the version last received, null on the first try.
 */
export type ConnectLive = (lastEventId: string | null, signal: AbortSignal) => Promise<Response>;

/** The longest wait between reconnects while the stream cannot be reached (offline, a restart). */
const MAX_BACKOFF_MS = 30_000;

/**
 * Keeps an order page current from its live stream, reconnecting with Last-Event-ID whenever
 * the stream ends (a query-API restart ends it on purpose) or the network fails. A fetch, not
 * an EventSource: a shopper's credentials (bearer token, guest cart token) live in IndexedDB
 * and travel in headers, which EventSource cannot send, and a token in the URL would end up
 * in logs. A 404 or 401 ends it for good: the order is not (or no longer) this reader's.
 *
 * `latest` is the streamed order once it is newer than `known` (what the page read itself);
 * `notice` names the status changes it brought, for a live region to announce; `connected`
 * says whether the stream is open right now.
 */
export function useLiveOrder(
  known: OrderView | null,
  connect: ConnectLive | null,
): { latest: OrderView | null; notice: string; connected: boolean } {
  const [latest, setLatest] = useState<OrderView | null>(null);
  const [connected, setConnected] = useState(false);
  const [notice, setNotice] = useState('');
  // The newest version shown, read by the stream's loop without restarting it.
  const shown = useRef(0);
  shown.current = Math.max(shown.current, known?.history.length ?? 0);

  useEffect(() => {
    if (!connect) return;
    const abort = new AbortController();
    let lastEventId: string | null = null;
    let retryMs = 1000;
    const receive = (order: OrderView) => {
      const missed = order.history.slice(shown.current);
      if (missed.length === 0) return;
      shown.current = order.history.length;
      setLatest(order);
      setNotice(`Order ${missed.map((h) => h.status).join(', then ')}.`);
    };
    void (async () => {
      for (let failures = 0; !abort.signal.aborted; ) {
        try {
          const res = await connect(lastEventId, abort.signal);
          if (res.status === 404 || res.status === 401 || res.status === 403) return;
          if (!res.ok || !res.body) throw new Error(`live order: HTTP ${res.status}`);
          failures = 0;
          setConnected(true);
          for await (const message of readEventStream(res.body, (ms) => (retryMs = ms))) {
            if (message.event !== 'order') continue;
            lastEventId = message.id ?? lastEventId;
            receive(JSON.parse(message.data) as OrderView);
          }
        } catch {
          failures += 1;
        }
        setConnected(false);
        // Doubling while it keeps failing, so a shop that is down is not hammered by its pages.
        // Back online, the count starts over: a first try the returning network still fails
        // (seen in the browser tests) is followed by one 2 s later, not by the offline backoff.
        if (await pause(Math.min(retryMs * 2 ** failures, MAX_BACKOFF_MS), abort.signal)) failures = 0;
      }
    })();
    return () => abort.abort();
  }, [connect]);

  const newer = latest && latest.history.length > (known?.history.length ?? 0) ? latest : null;
  return { latest: newer, notice, connected };
}

/**
 * Waits `ms`, or less: until the page leaves, or until the browser is back online, so a
 * shopper whose network returns sees the order at once, not after a backoff that being
 * offline ran up (up to 30 s). Answers whether the network's return ended it.
 */
const pause = (ms: number, signal: AbortSignal) =>
  new Promise<boolean>((resolve) => {
    const done = (online: boolean) => () => {
      clearTimeout(timer);
      window.removeEventListener('online', wake);
      signal.removeEventListener('abort', leave);
      resolve(online);
    };
    const wake = done(true);
    const leave = done(false);
    const timer = setTimeout(leave, ms);
    window.addEventListener('online', wake);
    signal.addEventListener('abort', leave);
  });
