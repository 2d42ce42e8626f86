/**
 * What a shopper's typing does to a title, for the search tests and the catalog benchmark
 * (its own module: the contract suite imports vitest, which a benchmark cannot).
 */
/** A one-letter slip in the title's longest word, away from its first letter: dropped, swapped or doubled. */
export function misspell(title: string, n: number): string {
  const words = title.split(' ');
  const longest = words.reduce((a, b) => (b.length > a.length ? b : a));
  const at = Math.floor(longest.length / 2);
  const slipped = [
    longest.slice(0, at) + longest.slice(at + 1),
    longest.slice(0, at) + longest[at + 1] + longest[at] + longest.slice(at + 2),
    longest.slice(0, at) + longest[at] + longest.slice(at),
  ][n % 3]!;
  return words.map((w) => (w === longest ? slipped : w)).join(' ');
}
