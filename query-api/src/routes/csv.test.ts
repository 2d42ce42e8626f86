import { describe, expect, it } from 'vitest';
import { toCsv } from './csv.ts';

describe('toCsv', () => {
  it('writes a header row and quotes fields with commas, quotes or line breaks (RFC 4180)', () => {
    const rows = [
      { title: 'Mug, "large"', units: 2, note: 'two\nlines' },
      { title: 'Cap', units: 0, note: null },
    ];
    expect(toCsv(['title', 'units', 'note'], rows)).toBe(
      'title,units,note\r\n"Mug, ""large""",2,"two\nlines"\r\nCap,0,\r\n',
    );
    expect(toCsv(['title'], [])).toBe('title\r\n');
  });
});
