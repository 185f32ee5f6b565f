#!/usr/bin/env node
/**
 * `npm run build:client`: builds the consumer client (`genesys-oauth-rotator/client`) into dist/client/,
 * usable from plain Node 20+ without a TypeScript loader:
 *
 *   index.cjs    CommonJS bundle of client/index.ts      (exports "require")
 *   index.mjs    ES module bundle of client/index.ts     (exports "import")
 *   index.d.ts   types for CommonJS (also index.d.cts)   ─┐ both re-export the declaration tree
 *   index.d.mts  types for ES modules                    ─┘ under types/ (tsc, declarations only)
 *   THIRD-PARTY-LICENSES.txt  licences of the npm packages bundled in (zod)
 *
 * Everything is bundled except `@aws-sdk/*` (the client's one runtime dependency,
 * `@aws-sdk/client-secrets-manager`) and Node's built-ins; Genesys Cloud is reached with Node's own
 * `https`, so undici is not in it. The build fails if a bundle imports anything else at run time, if
 * the ES module bundle would need `require`, or if the declarations reach a module a consumer may not
 * have installed (zod, undici): they may import only `@aws-sdk/client-secrets-manager` and `node:*`.
 *
 * Usage: node scripts/build-client.mjs [--outdir=DIR] [--metafile=FILE] [--no-types] [--quiet]
 *   --outdir    default dist/client (must be inside the repository, so `@aws-sdk/*` resolves)
 *   --metafile  write esbuild's metafiles ({ cjs, esm }) there, e.g. to inspect what is bundled
 *   --no-types  skip the declarations (the benchmarks need only the bundles)
 * Prints the bundles' sizes and their largest parts. Deterministic: same sources and lockfile, same bytes.
 */
import { randomBytes } from 'node:crypto';
import { builtinModules } from 'node:module';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import ts from 'typescript';

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_OUTDIR = path.join(PROJECT_ROOT, 'dist', 'client');
const ENTRY = path.join(PROJECT_ROOT, 'client', 'index.ts');

/** The only package the bundles may import at run time (besides Node's built-ins). */
export const RUNTIME_DEPENDENCY = '@aws-sdk/client-secrets-manager';

/** What both bundles share. Node 20 is the oldest runtime the package supports (package.json engines). */
const BUNDLING = {
  entryPoints: [ENTRY],
  bundle: true,
  platform: 'node',
  target: 'node20',
  external: ['@aws-sdk/*'],
  // Smaller to load, but names kept: errors name themselves after their class (`new.target.name`).
  minify: true,
  keepNames: true,
  legalComments: 'none', // licences go to THIRD-PARTY-LICENSES.txt instead
  absWorkingDir: PROJECT_ROOT,
  metafile: true,
  write: false,
  logLevel: 'warning',
};

const isBuiltin = (specifier) => specifier.startsWith('node:') || builtinModules.includes(specifier);

/** Write through a temporary sibling and a rename, so a reader sees the old bytes or the new ones. */
function replaceFile(file, contents) {
  mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  writeFileSync(temporary, contents);
  renameSync(temporary, file);
}

/** Output bytes by npm package (or project folder), largest first. */
function largestInputs(metafile, top) {
  const byPackage = new Map();
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const key = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1] ?? input.split('/').slice(0, 2).join('/');
      byPackage.set(key, (byPackage.get(key) ?? 0) + bytesInOutput);
    }
  }
  return Object.fromEntries([...byPackage].sort((a, b) => b[1] - a[1]).slice(0, top));
}

/** npm packages whose code is in the bundle (from the metafile's inputs). */
function bundledPackages(metafile) {
  const names = new Set();
  for (const input of Object.keys(metafile.inputs)) {
    const name = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1];
    if (name !== undefined) names.add(name);
  }
  return [...names].sort();
}

/** Refuse a bundle that imports at run time anything but the SDK client and built-ins, or `require`s from ESM. */
function checkImports(format, metafile) {
  const problems = [];
  for (const [file, output] of Object.entries(metafile.outputs)) {
    for (const { path: specifier, kind, external } of output.imports) {
      if (!external) continue;
      if (specifier !== RUNTIME_DEPENDENCY && !isBuiltin(specifier)) problems.push(`${file} imports ${specifier}`);
      if (format === 'esm' && kind === 'require-call') problems.push(`${file} would require("${specifier}"), which an ES module cannot`);
    }
  }
  if (problems.length > 0) throw new Error(`client bundle (${format}): ${problems.join('; ')}`);
}

async function bundle(format, outfile) {
  const result = await build({ ...BUNDLING, format, outfile });
  checkImports(format, result.metafile);
  for (const file of result.outputFiles) replaceFile(file.path, file.contents);
  return { file: outfile, bytes: statSync(outfile).size, metafile: result.metafile };
}

/** Licence texts of the bundled npm packages: their licences ask that the notice travel with the code. */
function writeLicenses(outdir, packages) {
  const sections = packages.map((name) => {
    const dir = path.join(PROJECT_ROOT, 'node_modules', name);
    const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
    const licenseFile = readdirSync(dir).find((entry) => /^licen[cs]e(\.|$)/i.test(entry));
    const text = licenseFile !== undefined ? readFileSync(path.join(dir, licenseFile), 'utf8').trim() : `License: ${manifest.license ?? 'unknown'}`;
    return `${name}@${manifest.version} (${manifest.license ?? 'unknown'})\n\n${text}\n`;
  });
  replaceFile(
    path.join(outdir, 'THIRD-PARTY-LICENSES.txt'),
    `The consumer client bundles (index.cjs, index.mjs) include code from these packages.\n\n${sections.join('\n' + '-'.repeat(72) + '\n\n')}`,
  );
}

// ---- declarations -----------------------------------------------------------------------------

/** Specifiers a declaration file imports or re-exports (`from '...'`, `import('...')`, `/// <reference types>`). */
function declarationImports(text) {
  const specifiers = [];
  for (const pattern of [/\bfrom\s+['"]([^'"]+)['"]/g, /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g, /^\s*import\s+['"]([^'"]+)['"]/gm, /\/\/\/\s*<reference\s+types=['"]([^'"]+)['"]/g]) {
    for (const match of text.matchAll(pattern)) specifiers.push(match[1]);
  }
  return specifiers;
}

function resolveDeclaration(fromFile, specifier) {
  const base = path.resolve(path.dirname(fromFile), specifier.replace(/\.(c|m)?js$/, ''));
  for (const candidate of [`${base}.d.ts`, path.join(base, 'index.d.ts')]) if (existsSync(candidate)) return candidate;
  throw new Error(`client declarations: ${path.relative(PROJECT_ROOT, fromFile)} imports ${specifier}, which was not emitted`);
}

/**
 * Emit declarations for client/index.ts and what it reaches into `<outdir>/types/` (same layout as the
 * sources), keep only the files the entry reaches, and check they import nothing a consumer lacks.
 */
function emitDeclarations(outdir) {
  const typesDir = path.join(outdir, 'types');
  rmSync(typesDir, { recursive: true, force: true });
  const options = {
    declaration: true,
    emitDeclarationOnly: true,
    outDir: typesDir,
    rootDir: PROJECT_ROOT,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    lib: ['lib.es2023.d.ts'],
    types: ['node'],
    strict: true,
    esModuleInterop: true,
    skipLibCheck: true,
    noEmitOnError: true,
  };
  const program = ts.createProgram([ENTRY], options);
  const emitted = program.emit();
  const diagnostics = [...ts.getPreEmitDiagnostics(program), ...emitted.diagnostics].filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (diagnostics.length > 0 || emitted.emitSkipped) {
    const host = { getCanonicalFileName: (f) => f, getCurrentDirectory: () => PROJECT_ROOT, getNewLine: () => '\n' };
    throw new Error(`client declarations failed:\n${ts.formatDiagnostics(diagnostics, host)}`);
  }

  const entry = path.join(typesDir, 'client', 'index.d.ts');
  const reached = new Set();
  const problems = [];
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop();
    if (reached.has(file)) continue;
    reached.add(file);
    for (const specifier of declarationImports(readFileSync(file, 'utf8'))) {
      if (specifier.startsWith('.')) queue.push(resolveDeclaration(file, specifier));
      else if (specifier !== RUNTIME_DEPENDENCY && !isBuiltin(specifier) && specifier !== 'node') {
        problems.push(`${path.relative(typesDir, file)} imports ${specifier}`);
      }
    }
  }
  if (problems.length > 0) throw new Error(`client declarations reach modules a consumer may not have: ${problems.join('; ')}`);
  // Declarations of modules the public types never reach (zod schemas, undici transport) are not shipped.
  const prune = (dir) => {
    for (const entryName of readdirSync(dir)) {
      const full = path.join(dir, entryName);
      if (statSync(full).isDirectory()) {
        prune(full);
        if (readdirSync(full).length === 0) rmSync(full, { recursive: true });
      } else if (!reached.has(full)) rmSync(full);
    }
  };
  prune(typesDir);

  const relativeEntry = `./${path.relative(outdir, entry).split(path.sep).join('/').replace(/\.d\.ts$/, '')}`;
  const header = '// Types of genesys-oauth-rotator/client (generated by scripts/build-client.mjs).\n';
  replaceFile(path.join(outdir, 'index.d.ts'), `${header}export * from '${relativeEntry}';\n`);
  replaceFile(path.join(outdir, 'index.d.cts'), `${header}export * from '${relativeEntry}';\n`);
  replaceFile(path.join(outdir, 'index.d.mts'), `${header}export * from '${relativeEntry}.js';\n`);
  return [...reached].length;
}

// ---- main -------------------------------------------------------------------------------------

/** What a build leaves in the output directory; anything else there is stale and removed. */
const OUTPUTS = ['index.cjs', 'index.mjs', 'THIRD-PARTY-LICENSES.txt'];
const DECLARATION_OUTPUTS = ['index.d.ts', 'index.d.cts', 'index.d.mts', 'types'];

export async function buildClient({ outdir = DEFAULT_OUTDIR, types = true } = {}) {
  const cjs = await bundle('cjs', path.join(outdir, 'index.cjs'));
  const esm = await bundle('esm', path.join(outdir, 'index.mjs'));
  writeLicenses(outdir, bundledPackages(cjs.metafile));
  const declarationFiles = types ? emitDeclarations(outdir) : 0;
  // Stale outputs of this script (with --no-types, old declarations would describe other bundles) go;
  // nothing else in the directory is touched.
  const keep = new Set(types ? [...OUTPUTS, ...DECLARATION_OUTPUTS] : OUTPUTS);
  for (const entry of readdirSync(outdir)) {
    const ours = [...OUTPUTS, ...DECLARATION_OUTPUTS].includes(entry) || /^index\./.test(entry);
    if (ours && !keep.has(entry)) rmSync(path.join(outdir, entry), { recursive: true, force: true });
  }
  return { outdir, cjs, esm, declarationFiles, largest: largestInputs(cjs.metafile, 6), packages: bundledPackages(cjs.metafile) };
}

function parseArgs(argv) {
  const args = { outdir: DEFAULT_OUTDIR, metafile: undefined, types: true, quiet: false };
  for (const arg of argv) {
    if (arg.startsWith('--outdir=')) args.outdir = path.resolve(arg.slice('--outdir='.length));
    else if (arg.startsWith('--metafile=')) args.metafile = path.resolve(arg.slice('--metafile='.length));
    else if (arg === '--no-types') args.types = false;
    else if (arg === '--quiet') args.quiet = true;
    else throw new Error(`unknown argument ${arg} (use --outdir=DIR, --metafile=FILE, --no-types, --quiet)`);
  }
  return args;
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const args = parseArgs(process.argv.slice(2));
    const started = Date.now();
    const result = await buildClient({ outdir: args.outdir, types: args.types });
    if (args.metafile !== undefined) replaceFile(args.metafile, JSON.stringify({ cjs: result.cjs.metafile, esm: result.esm.metafile }));
    if (!args.quiet) {
      const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
      const rel = (file) => path.relative(process.cwd(), file);
      process.stdout.write(
        [
          `${rel(result.cjs.file)} ${kib(result.cjs.bytes)}, ${rel(result.esm.file)} ${kib(result.esm.bytes)}` +
            (args.types ? `, ${result.declarationFiles} declaration files` : '') +
            ` (${Date.now() - started} ms)`,
          `  bundled packages: ${result.packages.join(', ') || 'none'}; runtime import: ${RUNTIME_DEPENDENCY}`,
          `  largest parts: ${Object.entries(result.largest).map(([name, bytes]) => `${name} ${kib(bytes)}`).join(', ')}`,
          '',
        ].join('\n'),
      );
    }
  } catch (error) {
    process.stderr.write(`build-client: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
