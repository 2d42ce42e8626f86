import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Who may import whom, by workspace package. The domain and the contract run in the browser
 * and know nothing of the server; the query side (query API, projections) nothing of the
 * command side; the storefront only the domain and the contract (it reaches the services over
 * HTTP). Tests and their harnesses (`*.test.ts`, `*.test-support.ts`, `@flowdose/testing`,
 * `pwa/tests`) may reach anything: they start whole systems.
 */
const MAY_IMPORT: Record<string, readonly string[]> = {
  '@flowdose/domain': [],
  '@flowdose/contract': ['@flowdose/domain'],
  '@flowdose/shared': ['@flowdose/domain', '@flowdose/contract'],
  '@flowdose/projections': ['@flowdose/domain', '@flowdose/contract', '@flowdose/shared'],
  // The query API reads the read models through their modules' typed queries.
  '@flowdose/query-api': ['@flowdose/domain', '@flowdose/contract', '@flowdose/shared', '@flowdose/projections'],
  // The command API asks the projections service for rebuilds and reads its registry's names.
  '@flowdose/command-api': ['@flowdose/domain', '@flowdose/contract', '@flowdose/shared', '@flowdose/projections'],
  '@flowdose/pwa': ['@flowdose/domain', '@flowdose/contract'],
};

type Package = { name: string; dir: string; dependencies: Record<string, string>; sources: string[] };

const WORKSPACES = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { workspaces: string[] })
  .workspaces;

const isTestCode = (path: string) =>
  /\.test(-support)?\.tsx?$/.test(path) || path.split('/').includes('tests') || path.includes('/node_modules/');

/** A package's own code: what ships, without its tests and their harnesses. */
function sourcesOf(dir: string): string[] {
  const walk = (at: string): string[] =>
    readdirSync(at, { withFileTypes: true }).flatMap((entry) => {
      if (['node_modules', '.next', 'public', 'dist'].includes(entry.name)) return [];
      const path = join(at, entry.name);
      if (entry.isDirectory()) return walk(path);
      return /\.(ts|tsx|mts|mjs)$/.test(entry.name) && !entry.name.endsWith('.d.ts') && !isTestCode(path) ? [path] : [];
    });
  return walk(join(root, dir));
}

const packages: Package[] = WORKSPACES.map((dir) => {
  const manifest = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')) as {
    name: string;
    dependencies?: Record<string, string>;
  };
  return { name: manifest.name, dir, dependencies: manifest.dependencies ?? {}, sources: sourcesOf(dir) };
});

/** The package a specifier names (`@scope/name/sub` → `@scope/name`, `pg/lib` → `pg`), or null for a relative one. */
function packageOf(specifier: string): string | null {
  if (specifier.startsWith('.') || specifier.startsWith('@/')) return null;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

const importsOf = (path: string) =>
  ts.preProcessFile(readFileSync(path, 'utf8'), true, true).importedFiles.map((f) => f.fileName);

/** Why `pkg` may not import `specifier`, or null when it may. */
function judge(pkg: Package, specifier: string, rules = MAY_IMPORT): string | null {
  const target = packageOf(specifier);
  if (!target?.startsWith('@flowdose/') || target === pkg.name) return null;
  const allowed = rules[pkg.name];
  if (allowed && !allowed.includes(target)) return `crosses a layer (${pkg.name} may not import ${target})`;
  if (!(target in pkg.dependencies)) return `is not declared in ${pkg.dir}/package.json`;
  return null;
}

/** Each broken rule as "file: specifier why", for one package's sources. */
function breaches(pkg: Package, rules = MAY_IMPORT): string[] {
  return pkg.sources.flatMap((file) =>
    importsOf(file).flatMap((specifier) => {
      const why = judge(pkg, specifier, rules);
      return why ? [`${relative(root, file)}: ${specifier} ${why}`] : [];
    }),
  );
}

describe('layering', () => {
  it('reads every workspace package and its code', () => {
    expect(packages.map((p) => p.name)).toEqual(expect.arrayContaining(Object.keys(MAY_IMPORT)));
    for (const p of packages) expect(p.sources.length, p.dir).toBeGreaterThan(0);
  });

  it('each package imports only the layers beneath it, and declares every workspace package it imports', () => {
    expect(packages.flatMap((p) => breaches(p))).toEqual([]);
  });

  it('the browser-safe packages import nothing of Node', () => {
    const browserSafe = packages.filter((p) => ['@flowdose/domain', '@flowdose/contract'].includes(p.name));
    const node = new Set(builtinModules);
    const found = browserSafe.flatMap((p) =>
      p.sources.flatMap((file) =>
        importsOf(file)
          .filter((s) => s.startsWith('node:') || node.has(s))
          .map((s) => `${relative(root, file)}: ${s}`),
      ),
    );
    expect(found).toEqual([]);
  });

  it('finds a breach when there is one', () => {
    const named = (name: string) => packages.find((p) => p.name === name)!;
    // With a rule that the query API may import nothing, its real imports are read and refused.
    expect(breaches(named('@flowdose/query-api'), { ...MAY_IMPORT, '@flowdose/query-api': [] })).not.toEqual([]);
    expect(judge(named('@flowdose/domain'), '@flowdose/shared/db')).toMatch(/crosses a layer/);
    expect(judge(named('@flowdose/contract'), '@flowdose/shared/config')).toMatch(/crosses a layer/);
    expect(judge(named('@flowdose/query-api'), '@flowdose/command-api/checkout')).toMatch(/crosses a layer/);
    expect(judge(named('@flowdose/projections'), '@flowdose/query-api/app')).toMatch(/crosses a layer/);
    expect(judge(named('@flowdose/pwa'), '@flowdose/shared/config')).toMatch(/crosses a layer/);
    // An undeclared workspace import is refused even where the layer allows it.
    expect(judge({ ...named('@flowdose/query-api'), dependencies: {} }, '@flowdose/shared/db')).toMatch(/not declared/);
    expect(judge(named('@flowdose/query-api'), '@flowdose/shared/db')).toBeNull();
  });
});
