import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// The domain runs in the browser (the storefront folds its offline cart with the cart
// decider) as well as on the server: it may import only itself and its declared
// dependencies (never node:*, pg, express, ioredis, @flowdose/shared…), and use no Node global.

const SRC = dirname(fileURLToPath(import.meta.url));
const PACKAGE = JSON.parse(readFileSync(join(SRC, '..', 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
};
/** The package's code: everything but its tests and their helpers (which run under vitest). */
const modules = (dir = SRC): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'testing' ? [] : modules(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });

/** What a module imports, type-only imports and re-exports included. */
const importsOf = (path: string) =>
  ts.preProcessFile(readFileSync(path, 'utf8'), true, true).importedFiles.map((f) => f.fileName);

/** Why an import may not be in the domain, or null when it may. */
function refusal(from: string, specifier: string): string | null {
  if (specifier.startsWith('.')) {
    const target = resolve(dirname(from), specifier);
    return relative(SRC, target).startsWith('..') ? 'reaches outside the package' : null;
  }
  return specifier in PACKAGE.dependencies ? null : 'is not a dependency of the domain';
}

describe('the domain package', () => {
  it('depends on nothing but zod and the id library', () => {
    expect(Object.keys(PACKAGE.dependencies).sort()).toEqual(['uuid', 'zod']);
  });

  it('imports only itself and its dependencies', () => {
    const files = modules();
    expect(files.map((f) => relative(SRC, f))).toEqual(
      expect.arrayContaining(['cart/decider.ts', 'contract/query-api.ts']),
    );
    const found = files.flatMap((file) =>
      importsOf(file).flatMap((specifier) => {
        const why = refusal(file, specifier);
        return why ? [`${relative(SRC, file)}: ${specifier} ${why}`] : [];
      }),
    );
    expect(found).toEqual([]);
  });

  it('type-checks with the browser globals and without those of Node (no Buffer, no process)', () => {
    const program = ts.createProgram(modules(), {
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
          `${d.file ? relative(SRC, d.file.fileName) : ''}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`,
      );
    expect(errors).toEqual([]);
  });

  it('finds what it forbids', () => {
    expect(refusal(join(SRC, 'cart/decider.ts'), 'node:crypto')).not.toBeNull();
    expect(refusal(join(SRC, 'cart/decider.ts'), 'pg')).not.toBeNull();
    expect(refusal(join(SRC, 'cart/decider.ts'), '@flowdose/shared/errors')).not.toBeNull();
    expect(refusal(join(SRC, 'cart/decider.ts'), '../../../src/db.ts')).not.toBeNull();
    expect(refusal(join(SRC, 'cart/decider.ts'), '../money.ts')).toBeNull();
  });

  it('bundles for the browser, every module of it', async () => {
    const result = await build({
      entryPoints: modules(),
      bundle: true,
      platform: 'browser',
      format: 'esm',
      outdir: 'out',
      write: false,
      logLevel: 'silent',
    });
    expect(result.errors).toEqual([]);
    expect(result.outputFiles.length).toBe(modules().length);
  });
});
