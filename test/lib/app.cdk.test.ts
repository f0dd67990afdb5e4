import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { projectRoot } from '../../lib/projectRoot';

const execFileAsync = promisify(execFile);

interface CliResult {
  readonly code: number;
  readonly output: string;
}

/**
 * Runs `npx cdk synth` exactly as a user would (cdk.json "app", real esbuild bundling, cdk-nag packs
 * registered in bin/app.ts, CDK's built-in template validation), offline and with no credentials.
 */
async function cdkSynth(outdir: string, extraArgs: readonly string[] = []): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    // No credentials, no endpoint: synth must not need AWS at all.
    if (!key.startsWith('AWS_')) env[key] = value;
  }
  Object.assign(env, {
    CDK_DISABLE_VERSION_CHECK: 'true',
    CDK_DISABLE_CLI_TELEMETRY: 'true',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: join(outdir, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(outdir, 'no-aws-credentials'),
  });
  try {
    const { stdout, stderr } = await execFileAsync(
      'npx',
      ['cdk', 'synth', '--no-notices', '--quiet', '--output', outdir, ...extraArgs],
      { cwd: projectRoot(), env, maxBuffer: 16 * 1024 * 1024 },
    );
    return { code: 0, output: `${stdout}${stderr}` };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

// one line: the CDK CLI reads `-c key=value` values as one line
const EXAMPLE = JSON.stringify(
  JSON.parse(readFileSync(join(projectRoot(), 'samples', 'invoke-doctor-config.json'), 'utf8')),
);

describe('npx cdk synth (real bundling)', () => {
  it('synthesizes the example configuration offline and bundles both handlers under 1 MB', async () => {
    // Arrange
    const outdir = mkdtempSync(join(tmpdir(), 'invoke-doctor-synth-'));

    // Act
    const result = await cdkSynth(outdir, ['-c', `invoke-doctor=${EXAMPLE}`]);

    // Assert
    expect(result).toMatchObject({ code: 0 });
    const template = JSON.parse(
      readFileSync(join(outdir, 'InvokeDoctor.template.json'), 'utf8'),
    ) as {
      Resources: Record<string, { Type: string; Properties: { Code?: { S3Key?: string } } }>;
    };
    const functions = Object.values(template.Resources).filter(
      (r) => r.Type === 'AWS::Lambda::Function',
    );
    expect(functions).toHaveLength(2);
    for (const fn of functions) {
      // Each function's code is an asset directory holding the ESM bundle and its source map.
      const hash = fn.Properties.Code?.S3Key?.replace(/\.zip$/, '') ?? '';
      const assetDir = join(outdir, `asset.${hash}`);
      expect(readdirSync(assetDir).sort()).toEqual(['index.mjs', 'index.mjs.map']);
      const bundle = join(assetDir, 'index.mjs');
      expect(statSync(bundle).size).toBeLessThan(1024 * 1024);
      const code = readFileSync(bundle, 'utf8');
      expect(code).toContain('createRequire');
      expect(code).toMatch(/export\s*\{[^}]*handler/);
      // The runtime provides AWS SDK v3: it must stay an import, not be bundled.
      expect(code).not.toContain('AWS4-HMAC-SHA256');
    }
  }, 240_000);

  it('the cdk.json of a clean clone watches nothing, so synth stops and says what to configure', async () => {
    // Arrange
    const outdir = mkdtempSync(join(tmpdir(), 'invoke-doctor-synth-'));

    // Act
    const result = await cdkSynth(outdir);

    // Assert
    expect(result.code).not.toBe(0);
    expect(result.output).toContain(
      'invoke-doctor: invalid configuration: invoke-doctor: nothing to watch',
    );
    expect(result.output).toContain(`-c invoke-doctor.functions='["orders-api"]'`);
    expect(existsSync(join(outdir, 'InvokeDoctor.template.json'))).toBe(false);
  }, 240_000);

  it('dotted -c overrides set single settings: -c invoke-doctor.accountWide=true', async () => {
    // Arrange
    const outdir = mkdtempSync(join(tmpdir(), 'invoke-doctor-synth-'));

    // Act
    const result = await cdkSynth(outdir, ['-c', 'invoke-doctor.accountWide=true']);

    // Assert
    expect(result).toMatchObject({ code: 0 });
    const template = readFileSync(join(outdir, 'InvokeDoctor.template.json'), 'utf8');
    expect(template).toContain('AWS::Logs::AccountPolicy');
  }, 240_000);

  it('adds the central and member stacks with a central object, bundling the stream handler', async () => {
    // Arrange
    const outdir = mkdtempSync(join(tmpdir(), 'invoke-doctor-synth-'));
    const context = {
      accountWide: true,
      central: {
        organizationId: 'o-a1b2c3d4e5',
        readRole: true,
        externalId: 'invoke-doctor-o-a1b2c3d4e5',
      },
    };

    // Act
    const result = await cdkSynth(outdir, ['-c', `invoke-doctor=${JSON.stringify(context)}`]);

    // Assert
    expect(result).toMatchObject({ code: 0 });
    const read = (name: string) =>
      JSON.parse(readFileSync(join(outdir, `${name}.template.json`), 'utf8')) as {
        Resources: Record<
          string,
          {
            Type: string;
            Properties: { Code?: { S3Key?: string }; Handler?: string; Description?: string };
          }
        >;
      };
    expect(Object.keys(read('InvokeDoctor').Resources).length).toBeGreaterThan(0);
    const central = read('InvokeDoctorCentral');
    const source = read('InvokeDoctorSource');
    const responder = Object.values(central.Resources).find((r) =>
      String(r.Properties.Description).startsWith('invoke-doctor central responder'),
    );
    const hash = responder?.Properties.Code?.S3Key?.replace(/\.zip$/, '') ?? '';
    const bundle = readFileSync(join(outdir, `asset.${hash}`, 'index.mjs'), 'utf8');
    expect(bundle).toContain('batchItemFailures');
    expect(bundle).not.toContain('AWS4-HMAC-SHA256');
    expect(Object.values(source.Resources).map((r) => r.Type)).toContain(
      'AWS::Logs::AccountPolicy',
    );
    expect(Object.values(source.Resources).map((r) => r.Type)).not.toContain(
      'AWS::Lambda::Function',
    );
  }, 240_000);

  it('fails with one line naming the bad field when -c overrides the config badly', async () => {
    // Arrange
    const outdir = mkdtempSync(join(tmpdir(), 'invoke-doctor-synth-'));

    // Act
    const result = await cdkSynth(outdir, ['-c', 'invoke-doctor={"restApi":[]}']);

    // Assert
    expect(result.code).not.toBe(0);
    expect(result.output).toContain(
      'invoke-doctor: invalid configuration: invoke-doctor.restApi: unknown setting',
    );
    expect(existsSync(join(outdir, 'InvokeDoctor.template.json'))).toBe(false);
  }, 240_000);
});
