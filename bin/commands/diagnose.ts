import { Command } from 'commander';
import { AWS_FORMATS } from '../../lambda/core/awsFormats';
import { StreamingAnalysis } from '../../lambda/core/diagnose/StreamingAnalysis';
import { ConfigError, InvalidPayloadError } from '../../lambda/core/errors';
import type { GrantTrust } from '../../lambda/core/fixes/callerTrust';
import { terminalJson } from '../../lambda/core/render/sanitize';
import type { Diagnosis } from '../../lambda/core/types';
import { type AwsOptions, awsClientConfig } from '../cli/awsClientConfig';
import { parseSince } from '../cli/parseSince';
import { readInput } from '../cli/readInput';
import { runAction } from '../cli/runAction';
import { safeStdout } from '../cli/safeStdout';
import { samplePath } from '../cli/samplePath';
import { type TrustFlags, trustFromFlags, trustOptions } from '../cli/trustOptions';
import { diagnosisJson } from '../render/diagnosisJson';
import { fromCloudWatchHint } from '../render/fromCloudWatchHint';
import { renderDiagnosisText } from '../render/renderDiagnosisText';

/** Options of `invoke-doctor diagnose`. */
interface DiagnoseOptions extends AwsOptions, TrustFlags {
  readonly logGroup: string[];
  readonly json?: boolean;
  readonly sample?: boolean;
  readonly verify?: boolean;
  readonly verbose?: boolean;
  readonly fromCloudwatch?: boolean;
  readonly since?: string;
  readonly start?: string;
  readonly end?: string;
  readonly maxEvents: string;
}

/** Default window of `--from-cloudwatch` without --since / --start. */
const DEFAULT_SINCE = '1h';
const DEFAULT_MAX_EVENTS = 100_000;

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** `invoke-doctor diagnose [FILE...]`: runs the engine on pasted logs, payload files or CloudWatch. */
export function diagnoseCommand(): Command {
  return trustOptions(new Command('diagnose'))
    .description(
      'Diagnose Lambda invoke permission failures in log files or stdin (plain text, awslogs payloads, DATA_MESSAGE JSON, filter-log-events JSON, gzip of any), or read them from CloudWatch Logs with --from-cloudwatch',
    )
    .argument('[FILE...]', 'log files to read ("-" or none: stdin)')
    .option(
      '--log-group <NAME>',
      'log group that plain-text lines came from; with --from-cloudwatch, a log group to search (repeatable)',
      collect,
      [],
    )
    .option('--json', 'print JSON Lines, one object per distinct diagnosis')
    .option('--sample', 'diagnose the bundled sample outage instead of FILEs')
    .option(
      '--from-cloudwatch',
      "search the --log-group(s) in CloudWatch Logs as the deployed responder does: the failure lines, then each failing request's other lines",
    )
    .option(
      '--since <WHEN>',
      `with --from-cloudwatch: from this long ago or this date (default ${DEFAULT_SINCE})`,
    )
    .option(
      '--start <WHEN>',
      'with --from-cloudwatch: window start (a duration back or an ISO date/time, UTC)',
    )
    .option('--end <WHEN>', 'with --from-cloudwatch: window end (default now)')
    .option(
      '--max-events <N>',
      'with --from-cloudwatch: stop after N failure lines',
      String(DEFAULT_MAX_EVENTS),
    )
    .option(
      '--verify',
      'check each diagnosis against the live account with read-only AWS calls: root cause, evidence, exact fixes',
    )
    .option('--verbose', 'with --verify: list every AWS call made and its answer')
    .option(
      '--region <REGION>',
      'with --from-cloudwatch or --verify: AWS Region (default: AWS_REGION or your profile)',
    )
    .option(
      '--profile <NAME>',
      'with --from-cloudwatch or --verify: AWS profile (default: AWS_PROFILE or the default profile)',
    )
    .action(
      runAction(async (files: string[], options: DiagnoseOptions) =>
        options.fromCloudwatch ? fromCloudWatch(files, options) : diagnose(files, options),
      ),
    );
}

/** Options that only mean something with --from-cloudwatch (or --verify) are refused without it. */
function refuseCloudWatchOnly(options: DiagnoseOptions): void {
  for (const [flag, value] of [
    ['--since', options.since],
    ['--start', options.start],
    ['--end', options.end],
  ] as const) {
    if (value !== undefined) {
      throw new ConfigError(
        flag,
        'only applies with --from-cloudwatch (reading logs from CloudWatch)',
      );
    }
  }
  if (options.verify) return;
  for (const [flag, value] of [
    ['--region', options.region],
    ['--profile', options.profile],
  ] as const) {
    if (value !== undefined) {
      throw new ConfigError(
        flag,
        'only applies with --from-cloudwatch or --verify (reading the AWS account)',
      );
    }
  }
  if (options.verbose) throw new ConfigError('--verbose', 'only applies with --verify');
}

async function diagnose(files: string[], options: DiagnoseOptions): Promise<void> {
  // Flags are checked before anything is read.
  refuseCloudWatchOnly(options);
  if (options.verify) awsClientConfig(options);
  const trust = trustFromFlags(options);
  if (options.logGroup.length > 1) {
    throw new ConfigError(
      '--log-group',
      'give one log group for FILEs (several only with --from-cloudwatch)',
    );
  }
  const logGroup = options.logGroup[0] ?? null;
  if (logGroup !== null && !AWS_FORMATS.logGroupName.test(logGroup)) {
    throw new ConfigError(
      '--log-group',
      `expected ${'a log group name'}, got ${JSON.stringify(logGroup)}`,
    );
  }
  const inputs = options.sample
    ? [samplePath('sample-outage.log')]
    : files.length > 0
      ? files
      : ['-'];
  if (!options.sample && files.length === 0 && process.stdin.isTTY) {
    throw new InvalidPayloadError(
      'no-input',
      'no input: pass log FILEs, pipe logs on stdin, use --sample, or read CloudWatch with --from-cloudwatch --log-group NAME',
    );
  }
  // Each input streamed on its own: a bad one is reported but never loses the good ones beside it.
  const analysis = new StreamingAnalysis({ trust });
  const failures: string[] = [];
  let longLines = 0;
  for (const [index, file] of inputs.entries()) {
    try {
      const result = await readInput(file, (batch) => analysis.push(batch, index), {
        logGroup,
        idPrefix: index === 0 ? '' : `input${index + 1}:`,
      });
      longLines += result.longLines;
    } catch (error) {
      if (!(error instanceof InvalidPayloadError)) throw error;
      const label = file === '-' ? 'stdin' : file;
      failures.push(error.message.startsWith(label) ? error.message : `${label}: ${error.message}`);
    }
  }
  const diagnoses = await verified(analysis.finish().diagnoses, options, trust);
  print(diagnoses, options, failures.length > 0 && diagnoses.length === 0);
  if (!options.json) {
    const hint = fromCloudWatchHint(diagnoses);
    if (hint !== null) safeStdout().write(hint);
  }
  if (longLines > 0) {
    process.stderr.write(
      `invoke-doctor: note: ${longLines === 1 ? '1 line was' : `${longLines} lines were`} longer than 1 MiB and read up to 1 MiB\n`,
    );
  }
  if (failures.length > 0) throw new InvalidPayloadError('bad-input', failures.join('; '));
}

/** With --verify, the diagnoses checked against the live account (unchanged otherwise). */
async function verified(
  diagnoses: Diagnosis[],
  options: DiagnoseOptions,
  trust: GrantTrust,
): Promise<Diagnosis[]> {
  if (!options.verify || diagnoses.length === 0) return diagnoses;
  // Loaded here: the SDK costs hundreds of ms that a plain diagnose should not pay.
  const { verifyDiagnoses } =
    require('../cli/verifyDiagnoses') as typeof import('../cli/verifyDiagnoses');
  return verifyDiagnoses(diagnoses, { ...options, trust });
}

/** Prints the diagnoses; "nothing found" is not said when inputs could not be read. */
function print(diagnoses: readonly Diagnosis[], options: DiagnoseOptions, unread: boolean): void {
  const out = safeStdout();
  if (options.json) {
    for (const d of diagnoses) out.write(`${terminalJson(diagnosisJson(d))}\n`);
  } else if (!unread) {
    const colour = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
    out.write(renderDiagnosisText(diagnoses, colour, { verbose: options.verbose === true }));
  }
}

/** The window of a CloudWatch search: --since, or --start/--end; epoch ms. */
function window(options: DiagnoseOptions, now: number): { startTime: number; endTime: number } {
  if (options.since !== undefined && (options.start !== undefined || options.end !== undefined)) {
    throw new ConfigError('--since', 'give --since or --start/--end, not both');
  }
  const startTime = parseSince(
    options.start ?? options.since ?? DEFAULT_SINCE,
    now,
    options.start === undefined ? '--since' : '--start',
  );
  const endTime = options.end === undefined ? now : parseSince(options.end, now, '--end');
  if (endTime <= startTime) {
    throw new ConfigError('--end', 'the window ends before it starts: --end must be after --start');
  }
  return { startTime, endTime };
}

async function fromCloudWatch(files: string[], options: DiagnoseOptions): Promise<void> {
  // Everything is checked before the first AWS call.
  if (files.length > 0 || options.sample) {
    throw new ConfigError(
      '--from-cloudwatch',
      'reads CloudWatch Logs: give --log-group NAME, not FILEs or --sample',
    );
  }
  if (options.logGroup.length === 0) {
    throw new ConfigError(
      '--log-group',
      'name the log group(s) to search: --from-cloudwatch --log-group NAME',
    );
  }
  for (const name of options.logGroup) {
    if (!AWS_FORMATS.logGroupName.test(name)) {
      throw new ConfigError('--log-group', `not a log group name: ${JSON.stringify(name)}`);
    }
  }
  const maxEvents = Number(options.maxEvents);
  if (!Number.isInteger(maxEvents) || maxEvents < 1 || maxEvents > 10_000_000) {
    throw new ConfigError(
      '--max-events',
      `expected a whole number from 1 to 10,000,000, got ${JSON.stringify(options.maxEvents)}`,
    );
  }
  const { startTime, endTime } = window(options, Date.now());
  const clientConfig = awsClientConfig(options);
  const trust = trustFromFlags(options);
  // Loaded here: the SDK costs time that a bad flag or `--help` should not pay.
  const { searchCloudWatch } =
    require('../cloudwatch/searchCloudWatch') as typeof import('../cloudwatch/searchCloudWatch');
  const outcome = await searchCloudWatch(
    { logGroups: options.logGroup, startTime, endTime, maxEvents, trust },
    clientConfig,
  );
  print(await verified(outcome.diagnoses, options, trust), options, false);
  const out = options.json ? process.stderr : safeStdout();
  out.write(`${outcome.summary}\n`);
  for (const note of outcome.notes) process.stderr.write(`invoke-doctor: note: ${note}\n`);
  if (outcome.error !== null) throw outcome.error;
}
