import { createRequire } from 'node:module';
import type * as Api from '@opentelemetry/api';
import type { BullMQOtel } from 'bullmq-otel';

/**
 * What the services' code needs of tracing. Until shared/src/tracing.ts has started the SDK,
 * nothing here loads even the OpenTelemetry API (about 0.1 s of a start, measured): `otel()`
 * answers undefined and every helper does nothing.
 */

export type { Context, Link, Span } from '@opentelemetry/api';

/** The attribute every span carries: the request's correlation id, or its events'. */
export const CORRELATION_ATTRIBUTE = 'flowdose.correlation_id';

/**
 * Work started inside a context holding this value gives its spans that correlation id
 * (several: a range of many requests' events). The API's `createContextKey` is this same
 * `Symbol.for`, without loading the API.
 */
export const CORRELATION = Symbol.for(CORRELATION_ATTRIBUTE);

export type Correlation = string | string[];

export const withCorrelation = (ctx: Api.Context, id: Correlation): Api.Context => ctx.setValue(CORRELATION, id);

export const correlationIn = (ctx: Api.Context): Correlation | undefined => {
  const value = ctx.getValue(CORRELATION);
  return typeof value === 'string' || Array.isArray(value) ? (value as Correlation) : undefined;
};

// The CommonJS build, as the SDK (required by tracing.ts) uses it: one copy of the API in the process.
const require = createRequire(import.meta.url);
let api: typeof Api | undefined;

/** Told by tracing.ts once the SDK runs. */
export const tracingStarted = () => {
  api = require('@opentelemetry/api') as typeof Api;
};

/** The OpenTelemetry API while tracing runs; undefined while it is off. */
export const otel = (): typeof Api | undefined => api;

/**
 * The W3C `traceparent` of the span active now, for an event's metadata: the projections
 * that later apply the event continue the trace of the request that appended it. Nothing
 * when tracing is off or no span is active.
 */
export function activeTraceparent(): { traceparent: string } | Record<string, never> {
  if (!api?.trace.getSpan(api.context.active())) return {};
  const carrier: Record<string, string> = {};
  api.propagation.inject(api.context.active(), carrier);
  return carrier.traceparent ? { traceparent: carrier.traceparent } : {};
}

/** BullMQ's `telemetry` option for a Queue or Worker: its jobs carry the trace context while tracing is on. */
export function queueTelemetry(): BullMQOtel | undefined {
  if (!api) return undefined;
  const { BullMQOtel } = require('bullmq-otel') as typeof import('bullmq-otel');
  return new BullMQOtel({ tracerName: 'flowdose' });
}
