import { describe, expect, it } from 'vitest';
import { readEventStream, type StreamMessage } from './event-stream.ts';

/** A body that arrives in exactly these pieces, as a network may cut it. */
const body = (...pieces: string[]) =>
  new ReadableStream<Uint8Array>({
    start(controller) {
      for (const piece of pieces) controller.enqueue(new TextEncoder().encode(piece));
      controller.close();
    },
  });

const read = async (...pieces: string[]) => {
  const retries: number[] = [];
  const messages: StreamMessage[] = [];
  for await (const m of readEventStream(body(...pieces), (ms) => retries.push(ms))) messages.push(m);
  return { messages, retries };
};

describe('reading an event stream', () => {
  it('yields each message at its blank line, whatever the chunks cut', async () => {
    const { messages, retries } = await read(
      'retry: 1000\n\n: heartbeat\n\nid: 2\nev',
      'ent: order\ndata: {"a":',
      '1}\n',
      '\nid: 3\r\nevent: order\r\ndata: {"a":2}\r\n\r\n',
    );
    expect(retries).toEqual([1000]);
    expect(messages).toEqual([
      { id: '2', event: 'order', data: '{"a":1}' },
      { id: '3', event: 'order', data: '{"a":2}' },
    ]);
  });

  it('reads a CRLF cut between its CR and its LF as one line end', async () => {
    const { messages } = await read('data: x\r', '\ndata: y\r', '\n\r', '\n');
    expect(messages).toEqual([{ id: undefined, event: 'message', data: 'x\ny' }]);
  });

  it('joins data lines, defaults the event to message, and drops a message cut off by the end', async () => {
    const { messages } = await read('data: one\ndata:two\n\n', 'id: 9\ndata: never finished\n');
    expect(messages).toEqual([{ id: undefined, event: 'message', data: 'one\ntwo' }]);
  });

  it('decodes a character split across chunks', async () => {
    const euro = new TextEncoder().encode('data: €\n\n');
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(euro.slice(0, 7));
        controller.enqueue(euro.slice(7));
        controller.close();
      },
    });
    const messages: StreamMessage[] = [];
    for await (const m of readEventStream(stream)) messages.push(m);
    expect(messages.map((m) => m.data)).toEqual(['€']);
  });
});
