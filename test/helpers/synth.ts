import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { App, type Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { STACK_NAMES } from '../../lambda/core/constants';
import { parseConfig } from '../../lib/config';
import { InvokeDoctorCentralStack } from '../../lib/InvokeDoctorCentralStack';
import { InvokeDoctorSourceStack } from '../../lib/InvokeDoctorSourceStack';
import { InvokeDoctorStack } from '../../lib/InvokeDoctorStack';
import { InvokeGrantChecks } from '../../lib/nag/InvokeGrantChecks';
import { projectRoot } from '../../lib/projectRoot';

/** The `context` block of cdk.json (feature flags and the example configuration). */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(join(projectRoot(), 'cdk.json'), 'utf8')) as {
    context: Record<string, unknown>;
  };
  return cdkJson.context;
}

/**
 * The example configuration (samples/invoke-doctor-config.json): cdk.json ships an empty one, so a
 * first deploy never watches example ids.
 */
export function exampleConfig(): Record<string, unknown> {
  return JSON.parse(
    readFileSync(join(projectRoot(), 'samples', 'invoke-doctor-config.json'), 'utf8'),
  ) as Record<string, unknown>;
}

/**
 * A test App with cdk.json's feature flags and bundling skipped (`aws:cdk:bundling-stacks: []`), so
 * NodejsFunction does not run esbuild; the one real-bundling test is test/lib/app.test.ts. CDK's
 * built-in CloudFormation validation (a WebAssembly module that takes seconds to load per worker)
 * is off here because cfn-lint checks every template; the CLI synth in app.test.ts keeps it on.
 */
export function testApp(): App {
  return new App({
    context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [] },
    builtinCloudFormationValidation: false,
  });
}

/** One synthesized configuration variant. */
export interface Synthesized {
  readonly app: App;
  readonly stack: InvokeDoctorStack;
  readonly template: Template;
}

/** Validates `rawConfig` as bin/app.ts does and synthesizes the stack without bundling. */
export function synthesize(rawConfig: unknown): Synthesized {
  const app = testApp();
  const stack = new InvokeDoctorStack(app, 'InvokeDoctor', { config: parseConfig(rawConfig) });
  return { app, stack, template: Template.fromStack(stack) };
}

/** The organisation's stacks of one configuration variant, synthesized without bundling. */
export interface SynthesizedOrganisation {
  readonly app: App;
  readonly central: InvokeDoctorCentralStack;
  readonly centralTemplate: Template;
  readonly source: InvokeDoctorSourceStack;
  readonly sourceTemplate: Template;
}

/** Validates `rawConfig` (which must have a `central` object) and synthesizes both stacks as bin/app.ts does. */
export function synthesizeOrganisation(rawConfig: unknown): SynthesizedOrganisation {
  const app = testApp();
  const config = parseConfig(rawConfig);
  const { central } = config;
  if (central === undefined) throw new Error('the configuration has no central object');
  const centralStack = new InvokeDoctorCentralStack(app, STACK_NAMES.central, {
    config: { ...config, central },
  });
  const source = new InvokeDoctorSourceStack(app, STACK_NAMES.source, {
    config: { ...config, central },
  });
  return {
    app,
    central: centralStack,
    centralTemplate: Template.fromStack(centralStack),
    source,
    sourceTemplate: Template.fromStack(source),
  };
}

/** Unacknowledged cdk-nag findings (AwsSolutions, Serverless, InvokeGrant packs) as `RuleId at path` lines. */
export function nagFindings(stack: Stack): string[] {
  return [new AwsSolutionsChecks(), new ServerlessChecks(), new InvokeGrantChecks()].flatMap(
    (pack) =>
      pack
        .validateScope(stack)
        .violations.flatMap((v) =>
          v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath ?? '?'}`),
        ),
  );
}

/** Every acknowledgement recorded in the stack's construct tree: rule id -> reason. */
export function acknowledgements(stack: Stack): Map<string, string> {
  const acks = new Map<string, string>();
  for (const construct of stack.node.findAll()) {
    for (const entry of construct.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) {
        acks.set(id.replace(/^annotation::/i, ''), reason);
      }
    }
  }
  return acks;
}

/** The template as JSON with asset hashes replaced, so snapshots survive unrelated source edits. */
export function normalizedTemplate(template: Template): unknown {
  const text = JSON.stringify(template.toJSON()).replace(/[0-9a-f]{64}/g, '[ASSET-HASH]');
  return JSON.parse(text);
}

const execFileAsync = promisify(execFile);

/**
 * Runs cfn-lint on the templates; resolves to its report, empty when clean. W3005 (a DependsOn
 * already implied by a GetAtt) is ignored: CDK adds it on purpose so a function's role policy
 * exists before the function.
 */
export async function cfnLint(templates: Readonly<Record<string, Template>>): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'invoke-doctor-cfn-lint-'));
  const files = Object.entries(templates).map(([name, template]) => {
    const file = join(dir, `${name}.template.json`);
    writeFileSync(file, JSON.stringify(template.toJSON(), null, 1));
    return file;
  });
  try {
    await execFileAsync('cfn-lint', ['--ignore-checks', 'W3005', '--', ...files]);
    return '';
  } catch (error) {
    const { stdout, stderr, code } = error as { stdout?: string; stderr?: string; code?: unknown };
    return `cfn-lint exited ${String(code)}\n${stdout ?? ''}${stderr ?? ''}`;
  }
}
