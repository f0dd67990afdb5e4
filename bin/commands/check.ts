import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Command } from 'commander';
import { ConfigError, InvalidPayloadError } from '../../lambda/core/errors';
import { version } from '../../package.json';
import { runAction } from '../cli/runAction';

/** Options of `invoke-doctor check`. */
interface CheckCommandOptions {
  readonly format?: 'text' | 'json' | 'sarif';
  readonly json?: boolean;
  readonly failOn?: 'error' | 'warning' | 'note' | 'none';
  readonly testInvoke?: boolean;
  readonly baseline?: string[];
  readonly region?: string;
  readonly account?: string;
  readonly partition?: string;
  readonly parameter?: string[];
}

const RANK = { error: 3, warning: 2, note: 1 } as const;

/**
 * `invoke-doctor check [PATH...]`: finds, before deploy, the caller that will lack its invoke
 * grant: in a CDK cloud assembly, CloudFormation or SAM templates, or a Terraform plan. Exit code
 * 0 when clean, 1 for findings at or above `--fail-on`, 2 for input it cannot use.
 */
export function checkCommand(): Command {
  return new Command('check')
    .description(
      'Check templates before deploy: every API route, authorizer, function URL and service caller has the invoke grant it needs (CDK cdk.out, CloudFormation/SAM JSON or YAML, Terraform plan JSON)',
    )
    .argument(
      '[PATH...]',
      'cdk.out directories, template files or terraform show -json plans (default: cdk.out)',
    )
    .option('--format <FORMAT>', 'output format: text, json or sarif', 'text')
    .option('--json', 'same as --format json')
    .option(
      '--fail-on <LEVEL>',
      'exit 1 for findings at or above LEVEL: error, warning, note (includes cannot-tell) or none',
      'error',
    )
    .option(
      '--test-invoke',
      "also require REST API grants to cover the console's Test button (test-invoke-stage)",
    )
    .option(
      '--baseline <PATH...>',
      'the deployed version (templates or cdk.out) to find functions this change replaces',
    )
    .option('--region <REGION>', 'Region the templates deploy to, where they do not say')
    .option('--account <ACCOUNT_ID>', 'account the templates deploy to, where they do not say')
    .option(
      '--partition <PARTITION>',
      'partition (aws, aws-cn, aws-us-gov, ...), where the Region does not say',
    )
    .option('--parameter <NAME=VALUE...>', 'template parameter values')
    .action(
      runAction(async (paths: string[], options: CheckCommandOptions) => check(paths, options)),
    );
}

const FORMATS = ['text', 'json', 'sarif'];
const LEVELS = ['error', 'warning', 'note', 'none'];

function validate(options: CheckCommandOptions): Record<string, string> {
  // Checked here rather than by commander, so a bad value exits 2 like every unusable input.
  if (!FORMATS.includes(options.format ?? 'text')) {
    throw new ConfigError('--format', `must be one of ${FORMATS.join(', ')}`);
  }
  if (!LEVELS.includes(options.failOn ?? 'error')) {
    throw new ConfigError('--fail-on', `must be one of ${LEVELS.join(', ')}`);
  }
  if (options.account !== undefined && !/^\d{12}$/.test(options.account)) {
    throw new ConfigError('--account', 'must be a 12-digit account id');
  }
  if (options.region !== undefined && !/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/.test(options.region)) {
    throw new ConfigError('--region', 'must be a Region code such as us-east-1');
  }
  if (options.partition !== undefined && !/^aws(-[a-z]+)*$/.test(options.partition)) {
    throw new ConfigError('--partition', 'must be a partition such as aws or aws-cn');
  }
  const parameters: Record<string, string> = {};
  for (const p of options.parameter ?? []) {
    const eq = p.indexOf('=');
    if (eq <= 0)
      throw new ConfigError('--parameter', `expected NAME=VALUE, got ${JSON.stringify(p)}`);
    parameters[p.slice(0, eq)] = p.slice(eq + 1);
  }
  return parameters;
}

async function check(paths: string[], options: CheckCommandOptions): Promise<void> {
  const parameters = validate(options);
  // Loaded here, not at the top: `--help` and the other commands should not pay for the engine.
  const { readCheckSources } =
    require('../check/readCheckSources') as typeof import('../check/readCheckSources');
  const { checkSources } =
    require('../../lambda/core/check/checkSources') as typeof import('../../lambda/core/check/checkSources');
  const inputs = paths.length > 0 ? paths : ['cdk.out'];
  if (paths.length === 0 && !existsSync('cdk.out')) {
    throw new InvalidPayloadError(
      'no-input',
      'no input: pass a cdk.out directory (run npx cdk synth), template files or a Terraform plan',
    );
  }
  const sources = readCheckSources(inputs);
  const baseline = options.baseline ? readCheckSources(options.baseline) : [];
  const report = checkSources(
    sources,
    {
      testInvoke: options.testInvoke === true,
      region: options.region,
      account: options.account,
      partition: options.partition,
      parameters,
    },
    baseline,
  );
  const format = options.json ? 'json' : (options.format ?? 'text');
  if (format === 'sarif') {
    const { buildSarif } =
      require('../../lambda/core/check/buildSarif') as typeof import('../../lambda/core/check/buildSarif');
    const sarif = buildSarif(report, { toolVersion: version, uri: artifactUri });
    process.stdout.write(`${JSON.stringify(sarif, null, 2)}\n`);
  } else if (format === 'json') {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    const { renderCheckText } =
      require('../check/renderCheckText') as typeof import('../check/renderCheckText');
    process.stdout.write(renderCheckText(report, sources.length));
  }
  const failOn = options.failOn ?? 'error';
  const threshold = failOn === 'none' ? Number.POSITIVE_INFINITY : RANK[failOn];
  process.exitCode = report.findings.some((f) => RANK[f.level] >= threshold) ? 1 : 0;
}

/** SARIF artifact URIs: relative to the working directory (the repository root in CI), else file URLs. */
function artifactUri(file: string): string {
  const rel = relative(process.cwd(), resolve(file));
  if (rel.startsWith('..') || resolve(rel) === rel) return pathToFileURL(resolve(file)).href;
  return rel.split('\\').join('/');
}
