import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { stripVTControlCharacters } from 'node:util';
import { serve, type TestServer } from '@flowdose/testing/http';
import { scanLogs, secretsIn } from '@flowdose/testing/log-secrets';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { cartToken } from './http/cart-token.ts';
import { attachContext } from './http/context.ts';
import { requestLog } from './http/request-log.ts';
import { createLogger, type LogFormat } from './logger.ts';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** An app that logs its requests as the APIs do, and what its logger wrote. */
async function loggedApp(format: LogFormat, level: string) {
  const out = new PassThrough();
  let written = '';
  out.on('data', (chunk) => {
    written += chunk;
  });
  const logger = createLogger('command-api', level, { LOG_FORMAT: format }, out);
  const app = express();
  app.use(requestLog(logger));
  app.use(attachContext);
  app.post('/carts/:cartId/items', (_req, res) => {
    res.status(201).json({ ok: true });
  });
  server = await serve(app);
  const lines = async (count: number) => {
    await expect.poll(() => written.split('\n').filter(Boolean).length).toBeGreaterThanOrEqual(count);
    return written.split('\n').filter(Boolean);
  };
  return { api: server, lines };
}

const secretHeaders = {
  Authorization: 'Bearer not-a-real-token',
  'X-Cart-Token': 'cart-token-value',
  'Flowdose-Signature': 't=1,v1=abcdef',
  'Idempotency-Key': 'key-value',
  Cookie: 'session=value',
  'X-Request-Id': 'abc123',
};

describe('request log lines', () => {
  it('in a terminal: one short line with time, service, method, path without query, status, ms and request id', async () => {
    const { api, lines } = await loggedApp('pretty', 'info');
    const res = await api.request('POST', '/carts/c1/items?cartToken=secret', { body: {}, headers: secretHeaders });
    expect(res.headers.get('X-Request-Id')).toBe('abc123');
    const [line] = await lines(1);
    expect(stripVTControlCharacters(line!)).toMatch(
      /^\d\d:\d\d:\d\d\.\d{3} command-api POST \/carts\/c1\/items 201 \d+ms req=abc123$/,
    );
  });

  it('as JSON: the same fields, and headers only at debug level, their credentials redacted', async () => {
    const info = await loggedApp('json', 'info');
    await info.api.request('POST', '/carts/c1/items?cartToken=secret', { body: {}, headers: secretHeaders });
    const [short] = await info.lines(1);
    expect(JSON.parse(short!)).toEqual({
      level: 30,
      time: expect.any(Number),
      service: 'command-api',
      requestId: 'abc123',
      method: 'POST',
      path: '/carts/c1/items',
      status: 201,
      ms: expect.any(Number),
      msg: expect.stringMatching(/^POST \/carts\/c1\/items 201 \d+ms$/),
    });
    await server?.close();

    const debug = await loggedApp('json', 'debug');
    await debug.api.request('POST', '/carts/c1/items', { body: {}, headers: secretHeaders });
    const [long] = await debug.lines(1);
    const { requestHeaders } = JSON.parse(long!) as { requestHeaders: Record<string, string> };
    expect(requestHeaders).toMatchObject({
      authorization: '[Redacted]',
      'x-cart-token': '[Redacted]',
      'flowdose-signature': '[Redacted]',
      'idempotency-key': '[Redacted]',
      cookie: '[Redacted]',
      'x-request-id': 'abc123',
    });
    expect(long).not.toMatch(/not-a-real-token|cart-token-value|abcdef|key-value|session=value/);
  });

  it('takes a caller’s request id only when short and plain', async () => {
    const { api } = await loggedApp('json', 'info');
    for (const odd of ['x'.repeat(129), 'has space', 'semi;colon']) {
      const res = await api.request('POST', '/carts/c1/items', { body: {}, headers: { 'X-Request-Id': odd } });
      expect(res.headers.get('X-Request-Id')).not.toBe(odd);
      expect(res.headers.get('X-Request-Id')).toMatch(/^[0-9a-f-]{36}$/);
    }
  });
});

describe('the log scan after a test run', () => {
  it('finds test passwords, tokens, credential fields and card numbers, and nothing in an ordinary line', () => {
    expect(secretsIn('{"msg":"login","email":"a@example.com","detail":"correct horse battery"}')).toHaveLength(1);
    expect(
      secretsIn('Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U'),
    ).toHaveLength(1);
    expect(secretsIn('{"refreshToken":"abc"}')).toHaveLength(1);
    expect(secretsIn('{"x-cart-token":"[Redacted]"}')).toEqual([]);
    expect(secretsIn('{"payment":{"number":"4242424242424242"}}')).toHaveLength(1);
    expect(secretsIn('card 4000 0000 0000 3220 given')).toHaveLength(1);
    // Times, positions and ids are not card numbers: a timestamp starts with 1, a run inside a word does not count.
    expect(
      secretsIn(
        '{"level":30,"time":1796677448334,"position":"4242424242424241","id":"a4242424242424242","requestId":"27711648-6315-4495-a167-a9871330a4b3","other":"27711648-6315-4495-4242-4242-424242424242"}',
      ),
    ).toEqual([]);
  });

  it('finds the cart token of a cart the logs name, anywhere in them', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'flowdose-log-scan-'));
    try {
      const secret = 'test-secret-test-secret-test-secret-0000';
      await writeFile(join(dir, '1.log'), '{"path":"/carts/cart-1/items"}\n{"path":"/carts/cart-2"}\n');
      await writeFile(
        join(dir, '2.log'),
        `{"msg":"nothing"}\n{"detail":"token ${cartToken(secret, 'cart-1')} leaked"}\n`,
      );
      const { lines, findings } = await scanLogs(dir, secret);
      expect(lines).toBe(4);
      expect(findings).toEqual([{ file: join(dir, '2.log'), line: 2, what: 'the cart token of cart cart-1' }]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
