import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { NextRequest } from 'next/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forward, UPSTREAM } from '../lib/server/forward.ts';

// A stand-in for the command API that answers as the APIs do: its request id echoed back.
let upstream: Server;
const seen: IncomingHttpHeaders[] = [];

beforeAll(async () => {
  upstream = createServer((req, res) => {
    seen.push(req.headers);
    res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': String(req.headers['x-request-id']) });
    res.end('{}');
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  UPSTREAM.commands = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => upstream.close(() => resolve())));

const send = (headers: Record<string, string>) =>
  forward(new NextRequest('http://shop.test/api/commands/carts', { headers }), 'commands', ['carts'], {
    authorization: null,
    body: undefined,
  });

describe('the storefront’s forwarder', () => {
  it('passes the browser’s request id on to the API and back', async () => {
    const res = await send({ 'x-request-id': 'from-the-browser-1' });
    expect(seen.at(-1)?.['x-request-id']).toBe('from-the-browser-1');
    expect(res.headers.get('x-request-id')).toBe('from-the-browser-1');
  });

  it('makes one when the browser sends none, or one the APIs would not take', async () => {
    for (const headers of [{}, { 'x-request-id': 'has space;and more' }] as Record<string, string>[]) {
      const res = await send(headers);
      const sent = seen.at(-1)?.['x-request-id'];
      expect(sent).toMatch(/^[0-9a-f-]{36}$/);
      expect(res.headers.get('x-request-id')).toBe(sent);
    }
  });

  it('names the request id in its own answer when the API is down', async () => {
    const before = UPSTREAM.commands;
    UPSTREAM.commands = 'http://127.0.0.1:1';
    try {
      const res = await send({ 'x-request-id': 'while-down-1' });
      expect([res.status, res.headers.get('x-request-id')]).toEqual([503, 'while-down-1']);
    } finally {
      UPSTREAM.commands = before;
    }
  });
});
