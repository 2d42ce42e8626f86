import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { testConfig } from '@flowdose/shared/config';
import { checkoutDetails } from '@flowdose/testing/checkout';
import { answersOk, freePort, spawnTs, until } from '@flowdose/testing/process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startShop } from './harness.test-support.ts';

// Tracing across processes: a small OTLP/HTTP receiver on loopback collects what the real
// command API and projections processes export; one checkout's spans must form one trace.

type AnyValue = { stringValue?: string; intValue?: string; arrayValue?: { values: AnyValue[] } };
type KeyValue = { key: string; value: AnyValue };
type OtlpSpan = { traceId: string; spanId: string; name: string; kind: number; attributes?: KeyValue[] };
type ExportRequest = {
  resourceSpans: { resource: { attributes: KeyValue[] }; scopeSpans: { spans: OtlpSpan[] }[] }[];
};
type Received = { service: string; name: string; kind: number; traceId: string; attributes: Map<string, AnyValue> };
const SERVER = 2;

const received: Received[] = [];
let receiver: Server;
let endpoint: string;

function collect(body: ExportRequest) {
  for (const { resource, scopeSpans } of body.resourceSpans) {
    const service = resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue ?? '?';
    for (const { spans } of scopeSpans)
      for (const span of spans)
        received.push({
          service,
          name: span.name,
          kind: span.kind,
          traceId: span.traceId,
          attributes: new Map((span.attributes ?? []).map((a) => [a.key, a.value])),
        });
  }
}

const config = testConfig({ COMMANDS_PER_MINUTE: '100000' });
let shop: Awaited<ReturnType<typeof startShop>>;

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      if (req.method === 'POST' && req.url === '/v1/traces') collect(JSON.parse(body) as ExportRequest);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(receiver.address() as { port: number }).port}`;
});
afterAll(() => new Promise((resolve) => receiver.close(resolve)));

const correlationOf = (span: Received) => {
  const value = span.attributes.get('flowdose.correlation_id');
  return value?.stringValue ?? value?.arrayValue?.values.map((v) => v.stringValue);
};

describe('tracing a checkout', () => {
  beforeAll(async () => {
    shop = await startShop(config);
    await shop.restock('MUG-WHITE', 10);
  });
  afterAll(() => shop?.close());

  it("puts one checkout's spans in one trace across the command API and the projections", async () => {
    const tracing = { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint };
    const port = await freePort();
    const api = spawnTs('command-api/src/main.ts', [], {
      ...tracing,
      DATABASE_URL: shop.db.url,
      QUEUE_PREFIX: config.QUEUE_PREFIX,
      COMMAND_API_PORT: String(port),
      COMMANDS_PER_MINUTE: '100000',
    });
    const projections = spawnTs('projections/src/main.ts', [], {
      ...tracing,
      DATABASE_URL: shop.db.url,
      PROJECTIONS_PORT: String(await freePort()),
      QUEUE_PREFIX: `t${randomBytes(4).toString('hex')}`,
    });
    try {
      const url = `http://127.0.0.1:${port}`;
      // Generous: the SDK adds a few seconds to the start of a busy machine's processes.
      await until(() => answersOk(`${url}/health`), 90_000, 'traced command API up');
      const cart = await shop.cartWith([['MUG-WHITE', 1]]);
      const correlationId = `trace-test-${randomBytes(4).toString('hex')}`;
      const checkout = await fetch(`${url}/carts/${cart.cartId}/checkout`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'X-Cart-Token': cart.cartToken,
          'Idempotency-Key': `trace-${correlationId}`,
          'X-Correlation-Id': correlationId,
        },
        body: JSON.stringify(checkoutDetails()),
      });
      expect(checkout.status).toBe(201);

      const checkoutSpan = () =>
        received.find(
          (s) =>
            s.service === 'command-api' &&
            s.kind === SERVER &&
            (s.attributes.get('url.path') ?? s.attributes.get('http.target'))?.stringValue ===
              `/carts/${cart.cartId}/checkout` &&
            correlationOf(s) === correlationId,
        );
      const inTrace = () => received.filter((s) => s.traceId === checkoutSpan()?.traceId);
      await expect
        .poll(() => inTrace().some((s) => s.service === 'projections'), { timeout: 90_000, interval: 250 })
        .toBe(true);
      const spans = inTrace();
      const services = new Set(spans.map((s) => s.service));
      expect([...services].sort()).toEqual(['command-api', 'projections']);
      const isPg = (s: Received) =>
        (s.attributes.get('db.system.name') ?? s.attributes.get('db.system'))?.stringValue === 'postgresql';
      expect(spans.filter((s) => s.service === 'command-api' && isPg(s)).length).toBeGreaterThan(0);
      expect(spans.filter((s) => s.service === 'projections' && isPg(s)).length).toBeGreaterThan(0);
      // Every span of the checkout's trace names its correlation id (a range of several requests' events names each).
      for (const span of spans) {
        const id = correlationOf(span);
        expect(typeof id === 'string' ? id : id?.includes(correlationId) && correlationId, span.name).toBe(
          correlationId,
        );
      }
      // And no span anywhere goes without one.
      expect(received.filter((s) => correlationOf(s) === undefined).map((s) => s.name)).toEqual([]);
    } finally {
      api.child.kill('SIGKILL');
      projections.child.kill('SIGKILL');
    }
  }, 150_000);
});

describe('tracing off', () => {
  it('loads nothing of OpenTelemetry while OTEL_EXPORTER_OTLP_ENDPOINT is unset', async () => {
    const loaded = (env: Record<string, string>) =>
      new Promise<{ out: string; err: string }>((resolve, reject) => {
        // What this process has required once tracing.ts ran: tracing comes in through require only.
        const probe = `import '@flowdose/shared/tracing';
          import { createRequire } from 'node:module';
          const cache = createRequire(import.meta.url).cache;
          console.log(Object.keys(cache).some((path) => /[/](@opentelemetry|bullmq-otel)[/]/.test(path)));`;
        const { OTEL_EXPORTER_OTLP_ENDPOINT: _unset, ...inherited } = process.env;
        const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', probe], {
          env: {
            ...inherited,
            CART_TOKEN_SECRET: config.CART_TOKEN_SECRET,
            AUTH_JWT_SECRET: config.AUTH_JWT_SECRET,
            PAYMENT_WEBHOOK_SECRET: config.PAYMENT_WEBHOOK_SECRET,
            ...env,
          },
        });
        let out = '';
        child.stdout.on('data', (d) => {
          out += d;
        });
        let err = '';
        child.stderr.on('data', (d) => {
          err += d;
        });
        child.on('exit', () => resolve({ out: out.trim(), err }));
        child.on('error', reject);
      });
    const off = await loaded({});
    expect(off.out, off.err).toBe('false');
    // The same probe sees the SDK once the endpoint is set: the check above can fail.
    const on = await loaded({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint });
    expect(on.out, on.err).toBe('true');
  });
});
