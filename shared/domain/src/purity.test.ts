import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// The domain and the contract run in the browser (the storefront folds its offline cart
// with the cart decider and checks its forms with the contract's schemas) as well as on the
// server: each may import only itself and its declared dependencies (never node:*, pg,
// express, ioredis, @flowdose/shared…), and use no Node global.

const DOMAIN = dirname(fileURLToPath(import.meta.url));
const CONTRACT = join(DOMAIN, '../../contract/src');

const manifestOf = (src: string) =>
  JSON.parse(readFileSync(join(src, '..', 'package.json'), 'utf8')) as { dependencies: Record<string, string> };

/** A package's code: everything but its tests and their helpers (which run under vitest). */
const modules = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return modules(path);
    return entry.name.endsWith('.ts') && !/\.test(-support)?\.ts$/.test(entry.name) ? [path] : [];
  });

/** What a module imports, type-only imports and re-exports included. */
const importsOf = (path: string) =>
  ts.preProcessFile(readFileSync(path, 'utf8'), true, true).importedFiles.map((f) => f.fileName);

/** Why an import may not be in the package whose code is in `src`, or null when it may. */
function refusal(src: string, from: string, specifier: string): string | null {
  if (specifier.startsWith('.')) {
    const target = resolve(dirname(from), specifier);
    return relative(src, target).startsWith('..') ? 'reaches outside the package' : null;
  }
  const name = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!;
  return name in manifestOf(src).dependencies ? null : 'is not a dependency of the package';
}

describe('the domain package', () => {
  it('depends on nothing but zod and the id library', () => {
    expect(Object.keys(manifestOf(DOMAIN).dependencies).sort()).toEqual(['uuid', 'zod']);
  });

  it('finds what it forbids', () => {
    const decider = join(DOMAIN, 'cart/decider.ts');
    expect(refusal(DOMAIN, decider, 'node:crypto')).not.toBeNull();
    expect(refusal(DOMAIN, decider, 'pg')).not.toBeNull();
    expect(refusal(DOMAIN, decider, '@flowdose/shared/errors')).not.toBeNull();
    expect(refusal(DOMAIN, decider, '@flowdose/contract/query-api')).not.toBeNull();
    expect(refusal(DOMAIN, decider, '../../../src/db.ts')).not.toBeNull();
    expect(refusal(DOMAIN, decider, '../money.ts')).toBeNull();
    expect(refusal(CONTRACT, join(CONTRACT, 'query-api.ts'), '@flowdose/domain/money')).toBeNull();
  });
});

describe.each([
  { name: 'domain', src: DOMAIN, sample: 'cart/decider.ts' },
  { name: 'contract', src: CONTRACT, sample: 'query-api.ts' },
])('the $name package, in the browser', ({ src, sample }) => {
  it('imports only itself and its dependencies', () => {
    const files = modules(src);
    expect(files.map((f) => relative(src, f))).toContain(sample);
    const found = files.flatMap((file) =>
      importsOf(file).flatMap((specifier) => {
        const why = refusal(src, file, specifier);
        return why ? [`${relative(src, file)}: ${specifier} ${why}`] : [];
      }),
    );
    expect(found).toEqual([]);
  });

  it('type-checks with the browser globals and without those of Node (no Buffer, no process)', () => {
    const program = ts.createProgram(modules(src), {
      lib: ['lib.es2023.d.ts', 'lib.dom.d.ts'],
      types: [],
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      allowImportingTsExtensions: true,
    });
    const errors = ts
      .getPreEmitDiagnostics(program)
      .map(
        (d) =>
          `${d.file ? relative(src, d.file.fileName) : ''}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`,
      );
    expect(errors).toEqual([]);
  });

  it('bundles for the browser, every module of it', async () => {
    const result = await build({
      entryPoints: modules(src),
      bundle: true,
      platform: 'browser',
      format: 'esm',
      outdir: 'out',
      write: false,
      logLevel: 'silent',
    });
    expect(result.errors).toEqual([]);
    expect(result.outputFiles.length).toBe(modules(src).length);
  });
});
