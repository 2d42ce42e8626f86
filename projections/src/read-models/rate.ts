/** part / whole to four places (0.6667), or null when the whole is 0: the analytics' rates. */
export const rate = (part: number, whole: number): number | null =>
  whole === 0 ? null : Math.round((part / whole) * 10_000) / 10_000;
