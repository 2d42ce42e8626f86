const HTML: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text made safe to place in HTML: a title is shop data, and staff may type anything. */
export const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => HTML[c]!);

/** Lower case without accents, as the database's search_fold() folds (unaccent, lower). */
export const fold = (text: string) => text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

/** The words of a query, folded: letters and digits, anything else separates. */
export const queryTerms = (q: string) =>
  fold(q)
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);

/** Edits (insert, delete, substitute, swap two neighbours) between two words, up to `max` + 1. */
function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => i || j));
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  return d[a.length]![b.length]!;
}

/**
 * Whether a title word answers a query term: typed so far (a prefix), or within the typos a
 * word of that length is forgiven (Meilisearch's defaults: one from 5 letters, two from 9).
 */
export function wordMatches(word: string, term: string): boolean {
  if (word.startsWith(term)) return true;
  const typos = term.length >= 9 ? 2 : term.length >= 5 ? 1 : 0;
  return typos > 0 && editDistance(word, term, typos) <= typos;
}

/** The title, escaped, with each word that answers a query term inside `<mark>`. */
export function markTitle(title: string, q: string): string {
  const terms = queryTerms(q);
  return title
    .split(/([\p{L}\p{N}]+)/u)
    .map((part, i) => {
      // split with a capture group puts the words at odd indices, what lies between at even.
      const isWord = i % 2 === 1;
      const hit = isWord && terms.some((term) => wordMatches(fold(part), term));
      return hit ? `<mark>${escapeHtml(part)}</mark>` : escapeHtml(part);
    })
    .join('');
}

/**
 * A highlighter's output whose marks are the control characters `open` and `close` (never in
 * shop text) turned into escaped HTML with `<mark>`: what Meilisearch's _formatted gives.
 */
export function marksToHtml(formatted: string, open: string, close: string): string {
  return escapeHtml(formatted).split(open).join('<mark>').split(close).join('</mark>');
}
