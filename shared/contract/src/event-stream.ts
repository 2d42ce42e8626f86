/** One Server-Sent Events message as a client reads it. */
export type StreamMessage = { id: string | undefined; event: string; data: string };

/**
 * Reads a `text/event-stream` body (the WHATWG format: fields up to a blank line, comments
 * skipped) into its messages, in browsers and Node alike. The storefront reads its live order
 * streams with it rather than with EventSource, which cannot send the headers a shopper's
 * credentials travel in; `retry` is reported so the reader can honour the server's delay.
 */
export async function* readEventStream(
  body: ReadableStream<Uint8Array>,
  onRetry: (ms: number) => void = () => {},
): AsyncGenerator<StreamMessage> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let message: { id?: string; event?: string; data: string[] } = { data: [] };
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      // A CR at the end may be half of a CRLF whose LF is in the next chunk: kept for then.
      const cut = buffer.endsWith('\r') ? buffer.length - 1 : buffer.length;
      const lines = buffer.slice(0, cut).split(/\r\n|\r|\n/);
      buffer = (lines.pop() ?? '') + buffer.slice(cut);
      for (const line of lines) {
        if (line === '') {
          if (message.data.length > 0) {
            yield { id: message.id, event: message.event ?? 'message', data: message.data.join('\n') };
          }
          message = { data: [] };
          continue;
        }
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon === -1 ? line : line.slice(0, colon);
        const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'data') message.data.push(value);
        else if (field === 'id') message.id = value;
        else if (field === 'event') message.event = value;
        else if (field === 'retry' && /^\d+$/.test(value)) onRetry(Number(value));
      }
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
}
