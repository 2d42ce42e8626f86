import { describe, expect, it } from 'vitest';
import { wholeMonths } from './queries.ts';

describe('wholeMonths', () => {
  it('finds the whole months of a range of days, both included', () => {
    expect(wholeMonths('2025-01-01', '2025-12-31')).toEqual({ first: '2025-01-01', end: '2026-01-01' });
    expect(wholeMonths('2026-02-15', '2026-04-10')).toEqual({ first: '2026-03-01', end: '2026-04-01' });
    expect(wholeMonths('2026-01-31', '2026-03-31')).toEqual({ first: '2026-02-01', end: '2026-04-01' });
    expect(wholeMonths('2024-02-01', '2024-02-29')).toEqual({ first: '2024-02-01', end: '2024-03-01' });
    expect(wholeMonths('2025-12-02', '2026-01-31')).toEqual({ first: '2026-01-01', end: '2026-02-01' });
  });

  it('answers an empty window on the day after the range when it holds no whole month', () => {
    expect(wholeMonths('2026-03-01', '2026-03-03')).toEqual({ first: '2026-03-04', end: '2026-03-04' });
    expect(wholeMonths('2026-02-15', '2026-03-30')).toEqual({ first: '2026-03-31', end: '2026-03-31' });
    expect(wholeMonths('2024-02-01', '2024-02-28')).toEqual({ first: '2024-02-29', end: '2024-02-29' });
  });
});
