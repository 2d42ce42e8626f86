import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

// The README is the front page and docs/ holds the rest: a newcomer follows their links and
// opens the files they name, so a file moved or renamed must take its mentions along.
const PAGES = [
  'README.md',
  ...readdirSync(join(root, 'docs')).flatMap((f) => (f.endsWith('.md') ? [`docs/${f}`] : [])),
];

const FENCE = /```[\s\S]*?```/g;
const read = (page: string) => readFileSync(join(root, page), 'utf8');

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces as dashes; repeats numbered. */
function anchorsOf(file: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const heading of readFileSync(file, 'utf8')
    .replace(FENCE, '')
    .matchAll(/^#{1,6} (.+)$/gm)) {
    const slug = (heading[1] ?? '')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .trim()
      .replace(/\s/g, '-');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    anchors.add(n ? `${slug}-${n}` : slug);
  }
  return anchors;
}

/** Each relative link or image of a page that points nowhere, or at a heading its file lacks. */
function brokenLinks(page: string): string[] {
  const broken: string[] = [];
  for (const [, target = ''] of read(page)
    .replace(FENCE, '')
    .matchAll(/!?\[[^\]]*\]\(([^)\s]+)\)/g)) {
    if (/^[a-z]+:/.test(target)) continue;
    const [path = '', anchor] = target.split('#');
    const file = path ? resolve(root, dirname(page), path) : join(root, page);
    if (!existsSync(file)) broken.push(`${target}: no such file`);
    else if (anchor && statSync(file).isFile() && !anchorsOf(file).has(anchor))
      broken.push(`${target}: no such heading`);
  }
  return broken;
}

/**
 * Repository paths named in backticks (`pwa/server.mjs`) that do not exist. Patterns
 * (`<name>`, `{a,b}`, `*`, `…`) name no one file and are left out.
 */
function missingPaths(page: string): string[] {
  const named = read(page).matchAll(
    /`((?:shared|command-api|query-api|projections|pwa|infra|docs|\.ci|\.github)\/[^`\s]+)`/g,
  );
  return [...named]
    .map(([, path = '']) => path)
    .filter((path) => !/[<>{}*…]/.test(path) && !existsSync(join(root, path)));
}

describe('the README and docs/', () => {
  it('has the pages the README links', () => {
    expect(PAGES.length).toBeGreaterThan(10);
  });

  it.each(PAGES)('%s: every relative link resolves', (page) => {
    expect(brokenLinks(page)).toEqual([]);
  });

  it.each(PAGES)('%s: every repository path it names exists', (page) => {
    expect(missingPaths(page)).toEqual([]);
  });

  it('links every docs page from the README', () => {
    const readme = read('README.md');
    const unlinked = PAGES.filter((page) => page.startsWith('docs/') && !readme.includes(`](${page}`));
    expect(unlinked).toEqual([]);
  });
});
