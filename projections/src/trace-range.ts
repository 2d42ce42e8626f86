import type { EventMetadata, RecordedEvent } from '@flowdose/shared/event-store/port';
import { positionToken } from '@flowdose/shared/event-store/position';
import {
  CORRELATION_ATTRIBUTE,
  type Context,
  type Correlation,
  type Link,
  otel,
  type Span,
  withCorrelation,
} from '@flowdose/shared/trace-context';

type Api = NonNullable<ReturnType<typeof otel>>;

// A rebuild's range holds thousands of requests' events, mostly long finished: a span in each
// of their traces would be noise. Past this many, the range's own span counts them.
const MAX_TRACES_PER_RANGE = 32;

/** The events of one request (one traceparent) in a range. */
type TraceGroup = { parent: Context; correlationIds: Set<string>; events: number };

const traceparentOf = (metadata: EventMetadata): string | undefined =>
  'traceparent' in metadata && typeof metadata.traceparent === 'string' ? metadata.traceparent : undefined;

function groupByTrace(api: Api, events: readonly RecordedEvent[]): Map<string, TraceGroup> {
  const groups = new Map<string, TraceGroup>();
  for (const event of events) {
    const traceparent = traceparentOf(event.metadata);
    if (!traceparent) continue;
    let group = groups.get(traceparent);
    if (!group) {
      const parent = api.propagation.extract(api.ROOT_CONTEXT, { traceparent });
      if (!api.trace.getSpanContext(parent)) continue;
      group = { parent, correlationIds: new Set(), events: 0 };
      groups.set(traceparent, group);
    }
    group.correlationIds.add(event.metadata.correlationId);
    group.events++;
  }
  return groups;
}

const correlationOf = (ids: Iterable<string>): Correlation => {
  const list = [...new Set(ids)];
  return list.length === 1 ? list[0]! : list;
};

async function inSpan<T>(api: Api, span: Span, ctx: Context, work: () => Promise<T>): Promise<T> {
  try {
    return await api.context.with(api.trace.setSpan(ctx, span), work);
  } catch (err) {
    span.recordException(err as Error);
    span.setStatus({ code: api.SpanStatusCode.ERROR, message: (err as Error).message });
    throw err;
  } finally {
    span.end();
  }
}

/**
 * Runs the application of a range of events (`work`: its transaction) inside a span that
 * continues the traces of the requests that appended them (their `traceparent` metadata):
 *  - all events of one request: the range's span is a child of that request's span, so its
 *    queries sit in the request's trace;
 *  - events of several requests, applied in one transaction: the range's span stays in the
 *    job's trace and links to each request's span, and each request's trace gets a span of
 *    its own for the same work (its events, its correlation id).
 * Every span carries the correlation id of the events it covers. Tracing off: just `work`.
 */
export async function traceRange<T>(
  projection: string,
  events: readonly RecordedEvent[],
  work: () => Promise<T>,
): Promise<T> {
  const api = otel();
  if (!api || events.length === 0) return work();
  const tracer = api.trace.getTracer('flowdose.projections');
  const first = events[0]!;
  const last = events[events.length - 1]!;
  const attributes = {
    'flowdose.projection': projection,
    'flowdose.events': events.length,
    'flowdose.from': positionToken(first.position),
    'flowdose.to': positionToken(last.position),
  };
  const name = `project ${projection}`;
  const groups = groupByTrace(api, events);
  const correlation = correlationOf(events.map((e) => e.metadata.correlationId));
  // The job this runs in (BullMQ's span, when its telemetry is on).
  const job = api.trace.getSpanContext(api.context.active());

  const [only] = groups.values();
  if (groups.size === 1 && only!.events === events.length) {
    const parent = withCorrelation(only!.parent, correlation);
    const span = tracer.startSpan(
      name,
      { attributes: { ...attributes, [CORRELATION_ATTRIBUTE]: correlation }, links: job ? [{ context: job }] : [] },
      parent,
    );
    return inSpan(api, span, parent, work);
  }

  const traced = [...groups.values()].slice(0, MAX_TRACES_PER_RANGE);
  const links: Link[] = traced.flatMap((g) => {
    const spanContext = api.trace.getSpanContext(g.parent);
    return spanContext ? [{ context: spanContext }] : [];
  });
  const here = withCorrelation(api.context.active(), correlation);
  const rangeSpan = tracer.startSpan(
    name,
    { attributes: { ...attributes, [CORRELATION_ATTRIBUTE]: correlation, 'flowdose.traces': groups.size }, links },
    here,
  );
  const perTrace = traced.map((g) =>
    tracer.startSpan(
      name,
      {
        attributes: {
          ...attributes,
          'flowdose.events': g.events,
          [CORRELATION_ATTRIBUTE]: correlationOf(g.correlationIds),
        },
        links: [{ context: rangeSpan.spanContext() }],
      },
      withCorrelation(g.parent, correlationOf(g.correlationIds)),
    ),
  );
  try {
    return await inSpan(api, rangeSpan, here, work);
  } finally {
    for (const span of perTrace) span.end();
  }
}
