import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors.ts';
import { checkJsonShape, MAX_JSON_DEPTH, verifyJsonBody } from './json-body.ts';

const refusal = (text: string) => {
  try {
    checkJsonShape(text);
    return null;
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).errors;
  }
};
const nested = (depth: number, open = '[', close = ']') => `${open.repeat(depth)}${close.repeat(depth)}`;
const nestedObjects = (depth: number) => `${'{"a":'.repeat(depth - 1)}{}${'}'.repeat(depth - 1)}`;

describe('duplicate keys', () => {
  it('refuses a key twice in one object, naming where', () => {
    expect(refusal('{"currency":"XXX","currency":"EUR"}')).toEqual([
      { path: 'currency', message: 'appears more than once; send each key once' },
    ]);
    expect(refusal('{"shippingAddress":{"city":"a","name":"b","city":"c"}}')?.[0]?.path).toBe('shippingAddress.city');
    expect(refusal('{"variants":[{"sku":"A"},{"sku":"B","sku":"C"}]}')?.[0]?.path).toBe('variants.1.sku');
  });

  it('compares keys as JSON.parse decodes them', () => {
    expect(refusal('{"currency":"EUR","\\u0063urrency":"XXX"}')?.[0]?.path).toBe('currency');
    expect(refusal('{"a\\/b":1,"a/b":2}')).not.toBeNull();
    expect(refusal('{"__proto__":1,"__proto__":2}')).not.toBeNull();
  });

  it('accepts the same key in different objects, and keys that only look alike', () => {
    expect(refusal('{"a":{"a":{"a":1}},"b":[{"a":1},{"a":2}]}')).toBeNull();
    expect(refusal('{"a":1,"A":2,"a ":3," a":4}')).toBeNull();
  });

  it('finds a duplicate wherever it was put in any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), fc.string(), fc.jsonValue({ maxDepth: 2 }), (value, key, other) => {
        // Every JSON text of a value without duplicates passes.
        expect(refusal(JSON.stringify(value))).toBeNull();
        // The same value inside an object that repeats a key, escaped differently the second time.
        const escaped = `"${[...key].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')}"`;
        const text = `{${JSON.stringify(key)}:${JSON.stringify(value)},${escaped}:${JSON.stringify(other)}}`;
        // JSON.parse takes it without a word: the last one wins.
        expect(() => JSON.parse(text)).not.toThrow();
        expect(refusal(text)).not.toBeNull();
      }),
    );
  });
});

it('refuses text PostgreSQL cannot store: a NUL, a lone surrogate', () => {
  expect(refusal('{"a":{"b":["x","\\u0000"]}}')).toEqual([
    { path: 'a.b.1', message: 'holds a NUL character or a lone UTF-16 surrogate' },
  ]);
  expect(refusal('{"title":"\\ud800"}')?.[0]?.path).toBe('title');
  expect(refusal('{"title":"\\udc00x"}')?.[0]?.path).toBe('title');
  expect(refusal('{"\\u0000":1}')?.[0]?.message).toMatch(/^a key/);
  expect(refusal('"\\u0000"')?.[0]?.path).toBe('(body)');
  // A whole pair is a character like any other.
  expect(refusal('{"title":"\\ud83d\\ude00 😀"}')).toBeNull();
});

describe('nesting', () => {
  it(`accepts ${MAX_JSON_DEPTH} levels and refuses one more`, () => {
    expect(refusal(nested(MAX_JSON_DEPTH))).toBeNull();
    expect(refusal(nestedObjects(MAX_JSON_DEPTH))).toBeNull();
    expect(refusal(nested(MAX_JSON_DEPTH + 1))).toEqual([
      { path: '(body)', message: `nested deeper than ${MAX_JSON_DEPTH} levels` },
    ]);
    expect(refusal(nestedObjects(MAX_JSON_DEPTH + 1))).not.toBeNull();
  });

  it('refuses very deep and unclosed nesting without running out of stack', () => {
    for (const text of [
      nested(5_000),
      nested(200_000),
      nestedObjects(50_000),
      '['.repeat(100_000),
      '{"a":'.repeat(1e5),
    ])
      expect(refusal(text)).not.toBeNull();
  });
});

it('leaves other syntax errors to JSON.parse', () => {
  for (const text of ['{', '{"a":1,}', '[1,,2]', '{"a" 1}', '/* c */ {}', 'nul', '"\\x"', '{"a":1}}'])
    expect(refusal(text)).toBeNull();
});

it('refuses a body in another charset than UTF-8 with 415', () => {
  const raw = Buffer.from('{}');
  const req = {} as Parameters<typeof verifyJsonBody>[0];
  const res = {} as Parameters<typeof verifyJsonBody>[1];
  expect(() => verifyJsonBody(req, res, raw, 'utf-8')).not.toThrow();
  expect(() => verifyJsonBody(req, res, raw, 'UTF-8')).not.toThrow();
  for (const charset of ['utf-16le', 'utf-16', 'utf-7', 'latin1'])
    expect(() => verifyJsonBody(req, res, raw, charset)).toThrow(
      expect.objectContaining({ status: 415, type: 'charset.unsupported' }),
    );
  expect(() => verifyJsonBody(req, res, Buffer.from('\ufeff{"a":1,"a":2}'), 'utf-8')).toThrow(ValidationError);
});
