/**
 * What the tarball holds (`npm pack --dry-run`): the construct library compiled with its types and
 * jsii assembly, the pre-bundled Lambdas, the client, the bundled CLI; no sources of the handlers, no
 * tests, stand-ins, benchmarks or build scripts (DESIGN.md §6). And every path package.json names
 * (`main`, `types`, `bin`, `exports`) is in it.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { assertBuilt, BUILD_OUTPUTS, npmPack, REPO_ROOT, type PackResult } from './packed';

jest.setTimeout(120_000);

interface Manifest {
  readonly main?: string;
  readonly types?: string;
  readonly bin?: string | Readonly<Record<string, string>>;
  readonly exports?: unknown;
  readonly bundledDependencies?: readonly string[];
  readonly bundleDependencies?: readonly string[];
}

/** Every file path a package.json `exports` value names (conditions and subpaths flattened; no patterns). */
function exportTargets(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (value === null || typeof value !== 'object') return [];
  return Object.values(value).flatMap(exportTargets);
}

const normalise = (file: string): string => path.posix.normalize(file.replace(/^\.\//, ''));

describe('Package: npm pack', () => {
  let packed: PackResult;
  let files: Set<string>;
  let manifest: Manifest;

  beforeAll(() => {
    assertBuilt();
    packed = npmPack();
    files = new Set(packed.files.map((file) => file.path));
    manifest = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as Manifest;
  });

  it('holds what a user installs: library with types and jsii assembly, Lambda assets, client, CLI, README', () => {
    // Prepare
    const expected = [...BUILD_OUTPUTS, 'assets/rotate/index.js.map', 'assets/notify/index.js.map', 'package.json', 'README.md', ...(existsSync(path.join(REPO_ROOT, 'LICENSE')) ? ['LICENSE'] : [])];

    // Assess
    expect(expected.filter((file) => !files.has(file))).toEqual([]);
    expect([...files].some((file) => /^dist\/client\/.+\.[cm]?js$/.test(file))).toBe(true);
    expect([...files].some((file) => /^dist\/client\/.+\.d\.[cm]?ts$/.test(file))).toBe(true);
  });

  it('leaves out tests, stand-ins, benchmarks, build scripts, CI and the TypeScript sources', () => {
    // Prepare: node_modules/ ships only for bundledDependencies (jsii's way to depend on a non-jsii package)
    const bundled = (manifest.bundledDependencies ?? manifest.bundleDependencies ?? []).length > 0;
    const shipsNot = /^(test|local|bench|scripts|\.ci|bin|lambdas|lib|cli|client|coverage|cdk\.out|\.bench-tmp)\//;
    const devFile = /^(tsconfig.*\.json|jest\.config\.js|eslint\.config\.mjs|cdk\.json|package-lock\.json)$/;
    const typeScriptSource = (file: string): boolean => /\.[cm]?ts$/.test(file) && !/\.d\.[cm]?ts$/.test(file);

    // Act
    const unwanted = [...files].filter((file) =>
      file.startsWith('node_modules/') ? !bundled : shipsNot.test(file) || devFile.test(file) || typeScriptSource(file),
    );

    // Assess
    expect(unwanted).toEqual([]);
  });

  it('ships each Lambda asset as exactly index.js and its map', () => {
    // Act
    const assetFiles = [...files].filter((file) => file.startsWith('assets/')).sort();

    // Assess
    expect(assetFiles).toEqual(['assets/notify/index.js', 'assets/notify/index.js.map', 'assets/rotate/index.js', 'assets/rotate/index.js.map']);
  });

  it('contains every file package.json points to (main, types, bin, exports), and the CLI is executable', () => {
    // Prepare
    const bins = typeof manifest.bin === 'string' ? [manifest.bin] : Object.values(manifest.bin ?? {});
    const named = [manifest.main, manifest.types, ...bins, ...exportTargets(manifest.exports).filter((target) => !target.includes('*'))]
      .filter((file): file is string => file !== undefined)
      .map(normalise);

    // Assess
    expect(bins.map(normalise)).toEqual(['dist/cli/genesys-rotator.cjs']);
    expect(named.filter((file) => !files.has(file))).toEqual([]);
    expect((packed.files.find((file) => file.path === 'dist/cli/genesys-rotator.cjs')?.mode ?? 0) & 0o111).not.toBe(0);
  });
});
