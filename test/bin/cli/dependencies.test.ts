/**
 * What the installed CLI loads at run time must be a runtime dependency: `npm install --omit=dev`
 * (or `npx` from the registry) installs nothing else, and a command that needs a dev dependency
 * fails there (preflight once needed zod this way).
 */
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { build } from 'esbuild';
import { ROOT } from '../../helpers/paths';

/** `@scope/name/sub` -> `@scope/name`, `name/sub` -> `name`. */
function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] as string);
}

test('every package the CLI bundle loads is in dependencies, none only in devDependencies', async () => {
  // Arrange: the CLI built as `npm run build` builds it
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
  };
  const result = await build({
    entryPoints: [join(ROOT, 'bin', 'cli.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    packages: 'external',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  // Act
  const loaded = new Set<string>();
  for (const output of Object.values(result.metafile.outputs)) {
    for (const imported of output.imports) {
      if (!imported.external) continue;
      const name = imported.path.replace(/^node:/, '');
      if (builtinModules.includes(name) || builtinModules.includes(name.split('/')[0] ?? ''))
        continue;
      loaded.add(packageOf(imported.path));
    }
  }
  // Assert
  expect(loaded.size).toBeGreaterThan(3);
  expect([...loaded].filter((name) => !(name in pkg.dependencies)).sort()).toEqual([]);
  expect(loaded.has('zod')).toBe(true);
});
