import { fileURLToPath } from 'node:url';
import { parseCircular, parseDependencyTree } from 'dpdm';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Every import in the tree, type-only ones included (a type import still ties two modules
 * together), read by dpdm through TypeScript with the same resolution as tsc, across the
 * workspaces (`@flowdose/*`). The storefront has its own tsconfig (its `@/` paths).
 */
async function circlesIn(project: string, entries: string[]) {
  const context = `${root}${project}`;
  const tree = await parseDependencyTree(entries, {
    cwd: context,
    context,
    tsconfig: `${context}/tsconfig.json`,
    transform: false,
    include: /\.(ts|tsx|mts)$/,
    exclude: /node_modules/,
  });
  // Its paths are already relative to the context.
  return { files: Object.keys(tree), circles: parseCircular(tree).map((circle) => circle.join(' -> ')) };
}

describe('import circles', () => {
  it('none in the server packages', async () => {
    const { files, circles } = await circlesIn('', [
      '{shared,shared/domain,shared/contract,shared/testing,command-api,query-api,projections,infra}/src/**/*.ts',
      'infra/bench/*.ts',
    ]);
    // The walk did reach the code (a wrong glob would find no circle in nothing).
    expect(files).toEqual(expect.arrayContaining(['command-api/src/app.ts', 'query-api/src/routes/carts.ts']));
    expect(circles).toEqual([]);
  });

  it('none in the storefront', async () => {
    const { files, circles } = await circlesIn('pwa', ['{app,components,lib,tests}/**/*.{ts,tsx}']);
    expect(files).toEqual(expect.arrayContaining(['lib/cart.ts']));
    expect(circles).toEqual([]);
  });
});
