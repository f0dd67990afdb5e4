import { mkdtempSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { type BuildOptions, build } from 'esbuild';
import { projectRoot } from '../lib/projectRoot';

/** The responder's handler, as lib/constructs/InvokeDoctor.ts bundles it. */
export const HANDLER_ENTRY = 'lambda/handlers/logSubscription.ts';

/** The central responder's handler (InvokeDoctor with a stream). */
export const STREAM_HANDLER_ENTRY = 'lambda/handlers/kinesisStream.ts';

/**
 * The esbuild options lib/constructs/InvokeDoctorFunction.ts gives NodejsFunction (`bundling`:
 * format ESM, target node24, main fields module/main, minify, source map without sources content,
 * `@aws-sdk/*` external, the createRequire banner). test/bench checks the two agree.
 */
export const CONSTRUCT_BUNDLING = {
  format: 'esm',
  target: 'node24',
  mainFields: ['module', 'main'],
  minify: true,
  sourcemap: true,
  sourcesContent: false,
  external: ['@aws-sdk/*'],
  banner: {
    js: "import { createRequire as __invokeDoctorCreateRequire } from 'node:module'; const require = __invokeDoctorCreateRequire(import.meta.url);",
  },
} as const satisfies BuildOptions;

/** One input file of the bundle and the bytes it contributes to the minified output. */
export interface BundleInput {
  readonly path: string;
  readonly bytes: number;
}

/** The built bundle and its composition. */
export interface BundleResult {
  /** Temporary directory holding `index.mjs` (and a node_modules link for the external SDK). */
  readonly dir: string;
  readonly file: string;
  /** Minified bundle size (bytes), source map excluded. */
  readonly bytes: number;
  readonly sourceMapBytes: number;
  /** Largest inputs by bytes in the output. */
  readonly largestInputs: readonly BundleInput[];
  /** Bytes in the output per npm package (`(project)` for our own sources). */
  readonly packages: readonly BundleInput[];
  /**
   * Packages left out of the bundle (the runtime's AWS SDK) that the bundle imports statically,
   * i.e. loads at import time; dynamically imported ones load on first use and are not listed.
   */
  readonly staticExternals: readonly string[];
  readonly buildMs: number;
}

function packageOf(path: string): string {
  const at = path.lastIndexOf('node_modules/');
  if (at === -1) return '(project)';
  const parts = path.slice(at + 'node_modules/'.length).split('/');
  return parts[0]?.startsWith('@') ? `${parts[0]}/${parts[1]}` : (parts[0] ?? path);
}

/**
 * Bundles a handler (by default the log subscription responder) as the CDK construct does
 * ({@link CONSTRUCT_BUNDLING}, platform node) into a fresh temporary directory, and reads the
 * esbuild metafile.
 */
export async function measureBundle(top = 10, entry = HANDLER_ENTRY): Promise<BundleResult> {
  const root = projectRoot(__dirname);
  const dir = mkdtempSync(join(tmpdir(), 'invoke-doctor-bench-'));
  // The Lambda runtime provides the AWS SDK; here the project's copy stands in for it.
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
  const file = join(dir, 'index.mjs');
  const started = performance.now();
  const out = await build({
    ...CONSTRUCT_BUNDLING,
    absWorkingDir: root,
    entryPoints: [join(root, entry)],
    bundle: true,
    platform: 'node',
    outfile: file,
    metafile: true,
    logLevel: 'warning',
  });
  const buildMs = performance.now() - started;
  const output = Object.entries(out.metafile.outputs).find(([path]) => path.endsWith('.mjs'));
  if (output === undefined) throw new Error('esbuild wrote no .mjs output');
  const inputs = Object.entries(output[1].inputs).map(([path, info]) => ({
    path: relative(root, join(root, path)),
    bytes: info.bytesInOutput,
  }));
  inputs.sort((a, b) => b.bytes - a.bytes);
  const byPackage = new Map<string, number>();
  for (const input of inputs) {
    const name = packageOf(input.path);
    byPackage.set(name, (byPackage.get(name) ?? 0) + input.bytes);
  }
  const staticExternals = [
    ...new Set(
      output[1].imports
        .filter((i) => i.external && i.kind === 'import-statement' && !i.path.startsWith('node:'))
        .map((i) => i.path),
    ),
  ].sort();
  return {
    dir,
    file,
    bytes: statSync(file).size,
    sourceMapBytes: statSync(`${file}.map`).size,
    largestInputs: inputs.slice(0, top),
    packages: [...byPackage]
      .map(([path, bytes]) => ({ path, bytes }))
      .sort((a, b) => b.bytes - a.bytes),
    staticExternals,
    buildMs,
  };
}
