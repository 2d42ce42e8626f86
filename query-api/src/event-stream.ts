import type { Response } from 'express';

export type EventStream = {
  send(id: string, event: string, data: unknown): void;
  end(): void;
  /** Runs once, when the client went or the stream was ended here. */
  onEnd(fn: () => void): void;
};

/** How long a client waits before it reconnects (the `retry` field): soon, with Last-Event-ID. */
const RETRY_MS = 1000;

/**
 * Turns `res` into a Server-Sent Events stream. `no-transform` keeps compressing proxies (and
 * Next's own compression, on the PWA's way here) from holding messages back to fill a block;
 * `X-Accel-Buffering: no` does the same for nginx. An idle stream sends a comment every
 * `heartbeatMs`, since proxies close connections that stay silent. When `stopping` aborts (a
 * graceful shutdown) the stream ends, so open streams cannot hold the server's close: the
 * client reconnects, to another instance behind the balancer. It also ends after `maxAgeMs`:
 * access was checked when it opened, and a reconnect checks it again.
 */
export function openEventStream(
  res: Response,
  { heartbeatMs, maxAgeMs, stopping }: { heartbeatMs: number; maxAgeMs: number; stopping: AbortSignal | undefined },
): EventStream {
  res.status(200).set({
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'private, no-cache, no-transform',
    'X-Accel-Buffering': 'no',
  });
  res.flushHeaders();
  res.write(`retry: ${RETRY_MS}\n\n`);
  const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), heartbeatMs);
  const expiry = setTimeout(() => end(), maxAgeMs);
  const ends: (() => void)[] = [];
  const end = () => {
    if (!res.writableEnded) res.end();
  };
  const stop = () => end();
  stopping?.addEventListener('abort', stop, { once: true });
  // 'close' comes both when the client goes and after end(): one cleanup for both.
  res.once('close', () => {
    clearInterval(heartbeat);
    clearTimeout(expiry);
    stopping?.removeEventListener('abort', stop);
    for (const fn of ends.splice(0)) fn();
  });
  if (stopping?.aborted) end();
  return {
    send(id, event, data) {
      if (res.writableEnded) return;
      // JSON.stringify never emits a raw newline, so the data fits on one `data:` line.
      res.write(`id: ${id}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    },
    end,
    onEnd(fn) {
      if (res.closed) fn();
      else ends.push(fn);
    },
  };
}
