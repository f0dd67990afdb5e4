import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command } from 'commander';
import { ConfigError } from '../../lambda/core/errors';
import { CONFIG_CONTEXT_KEY } from '../../lambda/core/settings';
import { awsAdvice } from '../cli/awsAdvice';
import { type AwsOptions, awsClientConfig } from '../cli/awsClientConfig';
import { runAction } from '../cli/runAction';
import { safeStdout } from '../cli/safeStdout';
import type { CentralPreflightClients } from '../preflight/runCentralPreflight';
import type { CheckResult, PreflightClients, PreflightReport } from '../preflight/runPreflight';

/** Options of `invoke-doctor preflight`. */
interface PreflightOptions extends AwsOptions {
  readonly config?: string;
  readonly json?: boolean;
  readonly central?: boolean;
}

/**
 * `invoke-doctor preflight`: with your AWS credentials, checks what would stop invoke-doctor from
 * detecting failures in the configured targets, and prints how to fix it. Read-only. Exit code 0
 * when nothing blocks detection, 1 when something does, 2 for a bad configuration.
 */
export function preflightCommand(): Command {
  return new Command('preflight')
    .description(
      'Check, with your AWS credentials, that the configured log groups and API stages log what invoke-doctor needs (read-only); exit 1 if something would stop detection',
    )
    .option(
      '--config <FILE>',
      'JSON config: a cdk.json, or the "invoke-doctor" object itself',
      'cdk.json',
    )
    .option('--region <REGION>', 'AWS Region (default: AWS_REGION or your profile)')
    .option('--profile <NAME>', 'AWS profile to use (default: AWS_PROFILE or the default profile)')
    .option('--json', 'print the report as JSON')
    .option(
      '--central',
      'check the organisation shape instead: the central destination, its stream and consumer (in the central account) and this account’s member subscription',
    )
    .action(runAction(async (options: PreflightOptions) => preflight(options)));
}

async function preflight(options: PreflightOptions): Promise<void> {
  // Flags and config are checked before anything is read from AWS.
  const clientConfig = awsClientConfig(options);
  const targets = loadConfig(options.config ?? 'cdk.json');
  let report: PreflightReport;
  if (options.central) {
    if (targets.central === undefined) {
      throw new ConfigError(
        '--central',
        `the configuration has no "central" object: add ${CONFIG_CONTEXT_KEY}.central ({"organizationId": "o-..."} or {"accountIds": [...]})`,
      );
    }
    const { runCentralPreflight } =
      require('../preflight/runCentralPreflight') as typeof import('../preflight/runCentralPreflight');
    try {
      report = await runCentralPreflight(targets.central, await createCentralClients(clientConfig));
    } catch (error) {
      throw awsAdvice(
        error,
        'the central destination and member subscription',
        '',
        options.profile,
      );
    }
  } else {
    // Loaded here, not at the top: the SDK and zod cost hundreds of ms that `--help` should not pay.
    const { runPreflight } =
      require('../preflight/runPreflight') as typeof import('../preflight/runPreflight');
    try {
      report = await runPreflight(targets, await createClients(clientConfig));
    } catch (error) {
      throw awsAdvice(error, 'the configured log groups and API stages', '', options.profile);
    }
  }
  safeStdout().write(
    options.json ? `${JSON.stringify(report, null, 2)}\n` : renderPreflightText(report),
  );
  process.exitCode = report.ok ? 0 : 1;
}

/** Reads the config the stack uses: `context["invoke-doctor"]` of a cdk.json, or the object itself. */
function loadConfig(file: string): import('../../lib/config').InvokeDoctorConfig {
  const { parseConfig } = require('../../lib/config') as typeof import('../../lib/config');
  const path = resolve(file);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code ? `cannot read ${path} (${code})` : `${path} is not valid JSON`;
    throw new ConfigError(
      '--config',
      `${why}: run in the project directory or pass --config FILE`,
      {
        cause: error,
      },
    );
  }
  const context = (json as { context?: Record<string, unknown> } | null)?.context;
  const raw =
    context && CONFIG_CONTEXT_KEY in context
      ? context[CONFIG_CONTEXT_KEY]
      : json !== null && typeof json === 'object' && CONFIG_CONTEXT_KEY in json
        ? (json as Record<string, unknown>)[CONFIG_CONTEXT_KEY]
        : context
          ? undefined
          : json;
  return parseConfig(raw);
}

async function createCentralClients(config: {
  region?: string;
  profile?: string;
}): Promise<CentralPreflightClients> {
  const [{ CloudWatchLogsClient }, { KinesisClient }, { LambdaClient }, { NodeHttpHandler }] =
    await Promise.all([
      import('@aws-sdk/client-cloudwatch-logs'),
      import('@aws-sdk/client-kinesis'),
      import('@aws-sdk/client-lambda'),
      import('@smithy/node-http-handler'),
    ]);
  const clients = {
    logs: new CloudWatchLogsClient(config),
    // HTTP/1.1: the Kinesis client defaults to HTTP/2 (for SubscribeToShard, which preflight never
    // calls), which proxies and local emulators often refuse.
    kinesis: new KinesisClient({ ...config, requestHandler: new NodeHttpHandler() }),
    lambda: new LambdaClient(config),
  };
  try {
    await clients.logs.config.region();
  } catch (error) {
    throw new ConfigError('--region', 'no AWS Region: pass --region or set AWS_REGION', {
      cause: error,
    });
  }
  return clients;
}

async function createClients(config: {
  region?: string;
  profile?: string;
}): Promise<PreflightClients> {
  const [{ CloudWatchLogsClient }, { APIGatewayClient }, { ApiGatewayV2Client }] =
    await Promise.all([
      import('@aws-sdk/client-cloudwatch-logs'),
      import('@aws-sdk/client-api-gateway'),
      import('@aws-sdk/client-apigatewayv2'),
    ]);
  const clients = {
    logs: new CloudWatchLogsClient(config),
    apigateway: new APIGatewayClient(config),
    apigatewayv2: new ApiGatewayV2Client(config),
  };
  try {
    await clients.logs.config.region();
  } catch (error) {
    throw new ConfigError('--region', 'no AWS Region: pass --region or set AWS_REGION', {
      cause: error,
    });
  }
  return clients;
}

const MODE_LABEL: Record<PreflightReport['mode'], string> = {
  'per-group': 'per-log-group mode',
  'account-wide': 'account-wide mode',
  central: 'organisation (central destination and member subscription)',
};

const LABEL: Record<CheckResult['status'], string> = {
  ok: 'ok     ',
  note: 'note   ',
  warning: 'WARNING',
  problem: 'PROBLEM',
};

/** Plain-text report: results grouped by target, fixes indented under their result. */
export function renderPreflightText(report: PreflightReport): string {
  const lines: string[] = [`invoke-doctor preflight: ${report.region}, ${MODE_LABEL[report.mode]}`];
  const byTarget = new Map<string, CheckResult[]>();
  for (const r of report.results) byTarget.set(r.target, [...(byTarget.get(r.target) ?? []), r]);
  for (const [target, results] of byTarget) {
    lines.push('', target);
    for (const r of results) {
      lines.push(`  ${LABEL[r.status]}  ${r.message}`);
      for (const fix of r.fix) lines.push(`             ${fix}`);
    }
  }
  const count = (status: CheckResult['status']) =>
    report.results.filter((r) => r.status === status).length;
  const problems = count('problem');
  const warnings = count('warning');
  lines.push(
    '',
    problems === 0
      ? `Nothing blocks detection${warnings > 0 ? ` (${plural(warnings, 'warning')} to review)` : ''}.`
      : `${plural(problems, 'problem')} would stop detection${warnings > 0 ? `, ${plural(warnings, 'warning')}` : ''}: run the commands above, then preflight again.`,
  );
  return `${lines.join('\n')}\n`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
