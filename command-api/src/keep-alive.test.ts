import { randomUUID } from 'node:crypto';
import { Agent, type IncomingHttpHeaders, request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { testConfig } from '@flowdose/shared/config';
import { bearerFor } from '@flowdose/testing/auth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCommandApi } from './harness.test-support.ts';

// Connections as a load balancer, a proxy or a browser keeps them: one per client, reused
// between requests that pause, and reused right after a refusal answered before its body was
// read. Either the server reads what is left of such a body, or it says `Connection: close`;
// a client never meets a reset. The server is the one every test gets (app.listen, through
// withClientErrorProblems), on loopback; the clients hold one connection each.

const config = testConfig({ COMMANDS_PER_MINUTE: '1000000', STAFF_COMMANDS_PER_MINUTE: '1000000' });
let api: Awaited<ReturnType<typeof startCommandApi>>;
let port: number;
beforeAll(async () => {
  api = await startCommandApi(config);
  port = Number(new URL(api.api.url).port);
});
afterAll(() => api.close());

type Call = { method: string; path: string; headers?: Record<string, string>; body?: Buffer };
type Answer = { status: number; headers: IncomingHttpHeaders } | { error: string };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A client with a connection of its own, counting the connections it had to open. */
function keepAliveClient() {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const sockets = new Set<Socket>();
  const send = ({ method, path, headers = {}, body }: Call) =>
    new Promise<Answer>((resolve) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          method,
          path,
          agent,
          headers: { ...headers, ...(body ? { 'content-length': String(body.length) } : {}) },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
          res.on('error', (e: NodeJS.ErrnoException) => resolve({ error: `${e.code ?? ''} ${e.message}` }));
        },
      );
      req.on('socket', (socket) => sockets.add(socket));
      req.on('error', (e: NodeJS.ErrnoException) => resolve({ error: `${e.code ?? ''} ${e.message}` }));
      req.end(body);
    });
  return { send, connections: () => sockets.size, close: () => agent.destroy() };
}

/**
 * One connection used as a load balancer uses one to its backend: requests one after another
 * on it, whatever the pauses between them, with no regard for the server's Keep-Alive hint
 * (node:http's agent closes an idle socket a second before the hint, which hides a server
 * that closes too early). A close or reset from the server ends it, reported on the next use.
 */
type RawAnswer = { status: number; keepAliveSeconds: number } | { error: string };
async function rawConnection() {
  const socket = connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  let received = Buffer.alloc(0);
  let gone: string | null = null;
  let waiting: ((answer: RawAnswer) => void) | null = null;
  const settle = (answer: RawAnswer) => {
    const resolve = waiting;
    waiting = null;
    resolve?.(answer);
  };
  const parse = () => {
    const end = received.indexOf('\r\n\r\n');
    if (end < 0) return;
    const head = received.subarray(0, end).toString('latin1');
    const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
    if (received.length < end + 4 + length) return;
    received = received.subarray(end + 4 + length);
    settle({
      status: Number(head.split(' ')[1]),
      keepAliveSeconds: Number(/\r\nkeep-alive: *timeout=(\d+)/i.exec(head)?.[1] ?? 0),
    });
  };
  socket.on('data', (chunk: Buffer) => {
    received = Buffer.concat([received, chunk]);
    parse();
  });
  const lost = (why: string) => {
    gone ??= why;
    settle({ error: `connection ${why}` });
  };
  socket.on('end', () => lost('closed by the server'));
  socket.on('error', (e: NodeJS.ErrnoException) => lost(`reset (${e.code ?? e.message})`));
  return {
    get: (path: string) =>
      new Promise<RawAnswer>((resolve) => {
        if (gone) return resolve({ error: `connection ${gone} while idle` });
        waiting = resolve;
        socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
      }),
    close: () => socket.destroy(),
  };
}

const openCart: Call = {
  method: 'POST',
  path: '/carts',
  headers: { 'content-type': 'application/json' },
  body: Buffer.from('{"currency":"EUR"}'),
};

describe('keep-alive connections', () => {
  it(
    'are never closed or reset while idle: 20 clients, 100 requests each, pausing 4-6 s between them',
    async () => {
      const problems: string[] = [];
      let answered = 0;
      await Promise.all(
        Array.from({ length: 20 }, async (_, n) => {
          const connection = await rawConnection();
          try {
            for (let i = 0; i < 100; i++) {
              const answer = await connection.get('/health');
              if ('error' in answer) {
                problems.push(`client ${n}, request ${i}: ${answer.error}`);
                break;
              }
              if (answer.status !== 200) problems.push(`client ${n}, request ${i}: ${answer.status}`);
              else answered++;
              // What the server tells clients and proxies it keeps an idle connection for:
              // longer than theirs (60 s at AWS's load balancers and nginx), so they close first.
              if (answer.keepAliveSeconds < 61) problems.push(`keep-alive timeout=${answer.keepAliveSeconds} s`);
              // Around Node's default keep-alive timeout (5 s), whose close crossed requests.
              await sleep(4000 + Math.random() * 2000);
            }
          } finally {
            connection.close();
          }
        }),
      );
      expect(problems).toEqual([]);
      expect(answered).toBe(2000);
    },
    20 * 60_000,
  );

  it('are never reset right after a refusal answered before the body was read', async () => {
    const productId = randomUUID();
    const admin = await bearerFor(config.AUTH_JWT_SECRET, 'admin');
    const filler = Buffer.alloc(256 * 1024, 'a');
    const multipart = Buffer.concat([
      Buffer.from('--b\r\nContent-Disposition: form-data; name="file"; filename="a.jpg"\r\n\r\n'),
      filler,
      Buffer.from('\r\n--b--\r\n'),
    ]);
    const images = `/admin/products/${productId}/images`;
    // Each with a body the server refuses without needing it all, some before reading any of it.
    const refusals: [string, Call, number][] = [
      [
        'wrong type for an upload',
        { method: 'POST', path: images, headers: { ...admin, 'content-type': 'text/plain' }, body: filler },
        415,
      ],
      ['wrong type for a command', { ...openCart, headers: { 'content-type': 'text/plain' }, body: filler }, 400],
      [
        'too large',
        { ...openCart, body: Buffer.from(JSON.stringify({ currency: 'EUR', pad: 'a'.repeat(256 * 1024) })) },
        413,
      ],
      ['malformed JSON', { ...openCart, body: Buffer.from('{"currency": EUR') }, 400],
      [
        'malformed multipart',
        {
          method: 'POST',
          path: images,
          headers: { ...admin, 'content-type': 'multipart/form-data; boundary=b' },
          body: Buffer.concat([Buffer.from('--b\r\nno headers here'), filler]),
        },
        400,
      ],
      [
        'unauthenticated upload',
        {
          method: 'POST',
          path: images,
          headers: { 'content-type': 'multipart/form-data; boundary=b' },
          body: multipart,
        },
        401,
      ],
      ['a bad token', { ...openCart, headers: { ...openCart.headers, authorization: 'Bearer not-a-token' } }, 401],
    ];
    const problems: string[] = [];
    let refused = 0;
    // Ten clients, a hundred pairs each: the load of a few browsers, not a database's worth of connections.
    await Promise.all(
      Array.from({ length: 10 }, async (_, n) => {
        const client = keepAliveClient();
        let closes = 0;
        try {
          for (let i = 0; i < 100; i++) {
            const [what, call, status] = refusals[(n + i) % refusals.length]!;
            const refusal = await client.send(call);
            if ('error' in refusal) problems.push(`${what}: ${refusal.error}`);
            else if (refusal.status !== status) problems.push(`${what}: ${refusal.status}, not ${status}`);
            else refused++;
            if (!('error' in refusal) && refusal.headers.connection === 'close') closes++;
            const next = await client.send(openCart);
            if ('error' in next) problems.push(`the request after ${what}: ${next.error}`);
            else if (next.status !== 201) problems.push(`the request after ${what}: ${next.status}`);
          }
          // A new connection only where the server said it would close one.
          if (client.connections() !== 1 + closes)
            problems.push(`client ${n}: ${client.connections()} connections for ${closes} closes`);
        } finally {
          client.close();
        }
      }),
    );
    expect(problems).toEqual([]);
    expect(refused).toBe(1000);
  }, 300_000);

  it('end in a close, not a reset, after a request the HTTP parser refuses', async () => {
    // A header Node's parser refuses, then a body the client is still sending: the refusal is
    // answered and the connection closed, and what the client sent after it is read and
    // thrown away, so the client reads the refusal and then the end of the connection.
    const socket = connect(port, '127.0.0.1');
    const received: Buffer[] = [];
    const ended = new Promise<string>((resolve) => {
      socket.on('data', (d: Buffer) => received.push(d));
      socket.on('end', () => resolve('end'));
      socket.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
    });
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.write('POST /carts HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\nBad Header: x\r\n\r\n');
    for (let i = 0; i < 16; i++) {
      socket.write(Buffer.alloc(16 * 1024, 'a'));
      await sleep(5);
    }
    socket.end();
    expect(await ended).toBe('end');
    const answer = Buffer.concat(received).toString();
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(answer).toContain('Connection: close');
    expect(answer).toContain('"type":"/problems/bad-request"');
  });
});
