/**
 * What the hostile-input tests of both APIs share (command-api/src/routes/fuzz.test.ts,
 * query-api/src/routes/fuzz.test.ts): the routes an app really serves, requests sent byte for
 * byte, and what every answer to them must look like. Used by tests only.
 */
import fc from 'fast-check';
import { expect } from 'vitest';

export type ServedRoute = { method: string; path: string; params: string[] };
type Layer = { route?: { path: unknown; methods: Record<string, boolean> }; handle?: { stack?: Layer[] } };

/** Every route an express 5 app serves, its routers' too, read from express's own router. */
export function routesOf(app: { router: unknown }): ServedRoute[] {
  const walk = (stack: Layer[]): ServedRoute[] =>
    stack.flatMap((layer) => {
      const route = layer.route;
      if (route && typeof route.path === 'string') {
        const path = route.path;
        const params = [...path.matchAll(/:(\w+)/g)].map((m) => m[1]!);
        return Object.keys(route.methods)
          .filter((method) => method !== '_all')
          .map((method) => ({ method: method.toUpperCase(), path, params }));
      }
      return layer.handle?.stack ? walk(layer.handle.stack) : [];
    });
  return walk((app.router as { stack: Layer[] }).stack);
}

/** The route's path with each parameter replaced, as it goes on the wire (already escaped). */
export const fillPath = (path: string, values: Record<string, string>): string =>
  path.replace(/:(\w+)/g, (_, name: string) => values[name] ?? 'x');

const word = fc.stringMatching(/^[A-Za-z0-9_-]{0,8}$/);
/** %-escapes that decodeURIComponent refuses: not hex, cut short, not UTF-8, a lone surrogate. */
export const badEscape = fc
  .tuple(
    word,
    fc.constantFrom('%ZZ', '%', '%E0%A4%A', '%C0%AF', '%ED%A0%80', '%F0%9F%98', '%FF', '%%41', '%u0041', '%2'),
    word,
  )
  .map(([before, bad, after]) => `${before}${bad}${after}`);

/** A path segment made of any text, escaped as a client would, or sent raw with a bad escape. */
export const hostileSegment = fc.oneof(
  fc.string({ maxLength: 100 }).map((s) => encodeURIComponent(s) || '%20'),
  fc.constantFrom('..', '%2e%2e', '%2F', '%00', 'null', 'undefined', '0', '-1', 'x'.repeat(2000)),
  badEscape,
);

const visible = fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c));
/** A header value fetch will send: visible ASCII (no CR, LF or NUL to split on). */
export const headerText = (maxLength: number) => fc.string({ unit: visible, minLength: 1, maxLength });

export const hostileKey = fc.constantFrom(
  '__proto__',
  'constructor',
  'prototype',
  '$where',
  "'; drop table events; --",
  '<script>alert(1)</script>',
  '../../etc/passwd',
  '\u0000',
  'x'.repeat(300),
);
export const hostileValue = fc.oneof(
  fc.constantFrom<unknown>(
    "' or 1=1 --",
    '"); drop table events; --',
    '<img src=x onerror=alert(1)>',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a template-injection probe, on purpose
    '${process.exit(1)}',
    { $gt: '' },
    Number.MAX_SAFE_INTEGER + 2,
    1e308,
    -0,
    '\ud800',
    'EUR'.repeat(1000),
    'x'.repeat(30_000),
  ),
  fc.anything(),
  fc.string({ maxLength: 3000 }),
  // Any UTF-16 code units: NUL, controls, lone surrogates, all of which JSON carries.
  fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 50 }),
);

export type Answer = { status: number; contentType: string; text: string; body: unknown };

/** One request over real HTTP with exactly these headers and bytes; an unanswered one fails. */
export async function sendRaw(
  url: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string | Uint8Array,
): Promise<Answer> {
  let res: Response;
  try {
    res = await fetch(url + path, {
      method,
      headers,
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : Uint8Array.from(body) }),
      signal: AbortSignal.timeout(10_000),
    });
  } catch (error) {
    throw new Error(`${method} ${path.slice(0, 200)} got no answer: ${String((error as Error).cause ?? error)}`);
  }
  const contentType = res.headers.get('content-type') ?? '';
  const text = contentType.startsWith('text/event-stream') ? await firstChunk(res) : await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {}
  return { status: res.status, contentType, text, body: parsed };
}

/** An event stream (a live order) never ends: what it sent first is its answer here. */
async function firstChunk(res: Response): Promise<string> {
  const reader = res.body!.getReader();
  const { value } = await reader.read();
  await reader.cancel();
  return new TextDecoder().decode(value);
}

/**
 * Never a 5xx; an error is application/problem+json in the contract's shape, and shows
 * nothing of the server's insides (a stack, a file path, express's HTML page).
 */
export function expectSafeAnswer(answer: Answer, label: string): void {
  expect(answer.status, `${label} -> ${answer.text.slice(0, 300)}`).toBeLessThan(500);
  if (answer.status < 400) return;
  expect(answer.contentType, label).toContain('application/problem+json');
  expect(answer.body, label).toMatchObject({
    type: expect.stringMatching(/^\/problems\/[a-z-]+$/),
    title: expect.any(String),
    status: answer.status,
    detail: expect.any(String),
  });
  for (const leak of ['at /', 'node_modules', '<html', '.ts:', '.js:']) expect(answer.text, label).not.toContain(leak);
}
