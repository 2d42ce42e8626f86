import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

// Every shop page's first scripts carry the shop layout's client components: the header's cart
// badge (it folds the offline cart with the cart's rules) and the service worker's registration.
// zod there cost 25 KB gzipped and its start-up on every page load, so nothing they import may
// reach it: the cart's rules and the shop currency live in schema-free modules of the domain.
const PWA = fileURLToPath(new URL('..', import.meta.url));
const EVERY_PAGE = ['components/cart-badge.tsx', 'components/service-worker.tsx'];

/** The modules a bundle of these entry points takes in (React, Next and Serwist left out). */
async function inputsOf(entries: string[]) {
  const result = await build({
    entryPoints: entries.map((entry) => `${PWA}/${entry}`),
    bundle: true,
    platform: 'browser',
    format: 'esm',
    outdir: 'out',
    write: false,
    metafile: true,
    logLevel: 'silent',
    tsconfig: `${PWA}/tsconfig.json`,
    jsx: 'automatic',
    external: ['react', 'react/*', 'react-dom', 'next', 'next/*', '@serwist/*'],
  });
  return Object.keys(result.metafile.inputs);
}
const zodIn = (inputs: string[]) => inputs.filter((input) => input.includes('node_modules/zod'));

describe("the storefront's first scripts", () => {
  it('keep zod out of what every shop page loads', async () => {
    const inputs = await inputsOf(EVERY_PAGE);
    // The bundle did take in the offline cart and the cart's rules.
    expect(inputs.some((input) => input.endsWith('shared/domain/src/cart/rules.ts'))).toBe(true);
    expect(zodIn(inputs)).toEqual([]);
  });

  it('would tell: the back office analytics, which lists currencies from their schema, brings zod', async () => {
    expect(zodIn(await inputsOf(['lib/admin/analytics.ts'])).length).toBeGreaterThan(0);
  });
});
