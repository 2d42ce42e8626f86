import { describe, expect, it } from 'vitest';
import { isRefusalCode, REFUSAL_CODES, recordedRefusal } from './errors.ts';
import { problemType, REQUEST_PROBLEMS } from './problems.ts';

describe('problem codes', () => {
  it('names each once: a refusal is never also a request problem, so a type says which it is', () => {
    const all = [...REFUSAL_CODES, ...REQUEST_PROBLEMS];
    expect(new Set(all).size).toBe(all.length);
    expect(all.filter((code) => !/^[a-z]+(-[a-z]+)*$/.test(code))).toEqual([]);
    expect(problemType('cart-not-open')).toBe('/problems/cart-not-open');
  });

  it('answers a recorded refusal again with its code, and calls an unknown code a broken log', () => {
    expect(recordedRefusal('out-of-stock', 'MUG: 0 available')).toMatchObject({
      code: 'out-of-stock',
      message: 'MUG: 0 available',
    });
    expect(isRefusalCode('validation-error')).toBe(false);
    expect(() => recordedRefusal('provider-refused', 'declined')).toThrow(/unknown code provider-refused/);
  });
});
