import { IncomingMessage } from 'node:http';
import { createRequire } from 'node:module';
import { basename, dirname } from 'node:path';
import type { Span, SpanProcessor } from '@opentelemetry/sdk-trace';
import { loadConfig } from './config.ts';
import type { CommandContext } from './http/context.ts';
import { CORRELATION_ATTRIBUTE, type Context, correlationIn, otel, tracingStarted } from './trace-context.ts';

/**
 * OpenTelemetry for a service, imported first in its main.ts (`import '@flowdose/shared/tracing'`).
 * With OTEL_EXPORTER_OTLP_ENDPOINT unset it does nothing and loads nothing of the SDK.
 *
 * Why everything here is synchronous (`require`, no top-level await): a main.ts's other
 * imports run as soon as this module's body returns, awaited or not (sibling modules do not
 * wait for a top-level await), and pg, ioredis, express and http are patched only if they
 * are loaded after the instrumentations are registered. No `--import` loader flag is needed:
 * the instrumentations patch CommonJS packages as `require` loads them, and this module
 * requires them itself (INSTRUMENTED) right after starting, because an ESM import of a
 * CommonJS package's entry does not go through `require` (checked by command-api/src/tracing.test.ts).
 */

const SERVICE_NAME_FALLBACK = 'flowdose';
const INSTRUMENTED = ['pg', 'ioredis', 'express'];
const PROBES = /^\/(health|ready)(\?|$)/;

/** The workspace whose entry this process runs: command-api/src/main.ts is "command-api". */
const serviceName = (entry = process.argv[1]) =>
  entry ? basename(dirname(dirname(entry))) || SERVICE_NAME_FALLBACK : SERVICE_NAME_FALLBACK;

type Stop = () => Promise<void>;
let stop: Stop = async () => {};

/** Sends the spans still batched (a graceful stop's last step); nothing when tracing is off. */
export const flushTracing = (): Promise<void> => stop();

const config = loadConfig();
if (config.OTEL_EXPORTER_OTLP_ENDPOINT) stop = startTracing(config.OTEL_EXPORTER_OTLP_ENDPOINT);

function startTracing(endpoint: string): Stop {
  const require = createRequire(import.meta.url);
  tracingStarted();
  const { trace } = otel()!;
  const { NodeSDK } = require('@opentelemetry/sdk-node') as typeof import('@opentelemetry/sdk-node');
  const { BatchSpanProcessor } = require('@opentelemetry/sdk-trace') as typeof import('@opentelemetry/sdk-trace');
  const { OTLPTraceExporter } =
    require('@opentelemetry/exporter-trace-otlp-http') as typeof import('@opentelemetry/exporter-trace-otlp-http');
  const { HttpInstrumentation } =
    require('@opentelemetry/instrumentation-http') as typeof import('@opentelemetry/instrumentation-http');
  const { PgInstrumentation } =
    require('@opentelemetry/instrumentation-pg') as typeof import('@opentelemetry/instrumentation-pg');

  // The request a server span answers, and every span started under it: their correlation
  // id is known only once attachContext has run, so it is read when each span ends.
  const requestOf = new WeakMap<object, IncomingMessage>();
  const correlationOfRequest = (request: IncomingMessage | undefined) =>
    (request as (IncomingMessage & { context?: CommandContext }) | undefined)?.context?.correlationId;

  const correlation: SpanProcessor = {
    onStart(span: Span, parent: Context) {
      const id = correlationIn(parent);
      if (id !== undefined) return void span.setAttribute(CORRELATION_ATTRIBUTE, id);
      const parentSpan = trace.getSpan(parent);
      const request = parentSpan && requestOf.get(parentSpan);
      if (request) requestOf.set(span, request);
    },
    onEnding(span: Span) {
      if (span.attributes[CORRELATION_ATTRIBUTE] !== undefined) return;
      // Work no request or event asked for (a queue's own bookkeeping) is its own correlation: its trace.
      const id = correlationOfRequest(requestOf.get(span)) ?? span.spanContext().traceId;
      span.setAttribute(CORRELATION_ATTRIBUTE, id);
    },
    onEnd() {},
    forceFlush: async () => {},
    shutdown: async () => {},
  };

  const sdk = new NodeSDK({
    serviceName: serviceName(),
    // Traces only: metrics are prom-client's (METRICS_PORT), logs pino's.
    metricReaders: [],
    logRecordProcessors: [],
    spanProcessors: [
      correlation,
      new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: `${endpoint.replace(/\/+$/, '')}/v1/traces` }) }),
    ],
    instrumentations: [
      new HttpInstrumentation({
        // Probes every few seconds from the supervisor or a load balancer: noise in every trace view.
        ignoreIncomingRequestHook: (request) => PROBES.test(request.url ?? ''),
        requestHook(span, request) {
          if (request instanceof IncomingMessage) requestOf.set(span, request);
        },
      }),
      // Without a parent span, a query or command belongs to a loop (the dispatcher's reads,
      // BullMQ's polling), not to any request: recording those would bury the requests' spans.
      new PgInstrumentation({ requireParentSpan: true }),
      ...optional(
        '@opentelemetry/instrumentation-ioredis',
        (m: typeof import('@opentelemetry/instrumentation-ioredis')) => [
          new m.IORedisInstrumentation({ requireParentSpan: true }),
        ],
      ),
      // Every middleware's own span adds nothing the route's does not say.
      ...optional(
        '@opentelemetry/instrumentation-express',
        (m: typeof import('@opentelemetry/instrumentation-express')) => [
          new m.ExpressInstrumentation({ ignoreLayersType: [m.ExpressLayerType.MIDDLEWARE] }),
        ],
      ),
    ],
  });
  sdk.start();
  // Loaded here, through `require`, so the instrumentations patch them now: the services'
  // ESM imports of them bypass `require` (ioredis' entry would go unpatched) and get these
  // same, patched, modules from the cache.
  for (const name of INSTRUMENTED) require(name);
  return () => sdk.shutdown();

  /** An instrumentation that cannot load (an @opentelemetry/api older than it needs) leaves its spans out, and says so. */
  function optional<M, I>(name: string, make: (module: M) => I[]): I[] {
    try {
      return make(require(name) as M);
    } catch (err) {
      process.emitWarning(`tracing without ${name}: ${(err as Error).message}`);
      return [];
    }
  }
}
