import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PWA = fileURLToPath(new URL('../../pwa', import.meta.url));
// The domain package is built into the storefront (its cart decider, the contract's types).
const SOURCES = [
  'app',
  'components',
  'lib',
  'public/icons',
  'next.config.mjs',
  'proxy.ts',
  'instrumentation-client.ts',
  'package.json',
  '../shared/domain/src',
  '../shared/domain/package.json',
];

const newest = (path: string): number => {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newest(join(path, name))));
};

/** Whether pwa/.next holds a production build newer than every storefront source. */
function storefrontIsBuilt(): boolean {
  const marker = join(PWA, '.next', 'BUILD_ID');
  if (!existsSync(marker)) return false;
  const built = statSync(marker).mtimeMs;
  return SOURCES.every((s) => !existsSync(join(PWA, s)) || newest(join(PWA, s)) <= built);
}

/** Builds the storefront (next build) unless an up-to-date build is there already. */
export function buildStorefrontIfStale(): void {
  if (storefrontIsBuilt()) return;
  console.log('[storefront] building (next build --webpack)');
  const build = spawnSync('npm', ['run', 'build', '-w', 'pwa'], { stdio: 'inherit' });
  if (build.status !== 0) throw new Error(`the storefront build failed (${build.status})`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) buildStorefrontIfStale();
