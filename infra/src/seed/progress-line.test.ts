import { describe, expect, it } from 'vitest';
import { progressLine } from './progress-line.ts';

describe('progressLine', () => {
  it('prints at most one line per interval, only when it changed, and the last one at once', () => {
    let clock = 0;
    const lines: string[] = [];
    const report = progressLine({ everyMs: 10_000, print: (l) => lines.push(l), now: () => clock });
    report('pictures 0/995');
    for (let n = 1; n <= 100; n++) {
      clock += 1000;
      report(`pictures ${n}/995`);
    }
    clock += 60_000;
    report('pictures 100/995'); // unchanged since the last line printed
    report('pictures 995/995', { last: true });
    report('pictures 995/995', { last: true });
    expect(lines).toEqual([
      'pictures 0/995',
      ...Array.from({ length: 10 }, (_, i) => `pictures ${(i + 1) * 10}/995`),
      'pictures 995/995',
    ]);
  });
});
