import { Command } from 'commander';
import { decodeInput } from '../../lambda/core/decode/decodeInput';
import { analyzeBatches } from '../../lambda/core/diagnose/analyzeBatches';
import { InvalidPayloadError } from '../../lambda/core/errors';
import { terminalJson } from '../../lambda/core/render/sanitize';
import type { LogBatch } from '../../lambda/core/types';
import { type AwsOptions, checkAwsOptions, withAwsOptions } from '../cli/awsOptions';
import { readInputs, readOne } from '../cli/readInputs';
import { runAction } from '../cli/runAction';
import { samplePath } from '../cli/samplePath';
import { type TrustFlags, trustFromFlags, trustOptions } from '../cli/trustOptions';
import { diagnosisJson } from '../render/diagnosisJson';
import { renderDiagnosisText } from '../render/renderDiagnosisText';

/** Options of `invoke-doctor diagnose`. */
interface DiagnoseOptions extends AwsOptions, TrustFlags {
  readonly logGroup?: string;
  readonly json?: boolean;
  readonly sample?: boolean;
  readonly verify?: boolean;
  readonly verbose?: boolean;
}

/** `invoke-doctor diagnose [FILE...]`: runs the engine on pasted logs or payload files. */
export function diagnoseCommand(): Command {
  const command = trustOptions(new Command('diagnose'))
    .description(
      'Diagnose Lambda invoke permission failures in log files or stdin (plain text, awslogs payloads, DATA_MESSAGE JSON, filter-log-events JSON)',
    )
    .argument('[FILE...]', 'log files to read ("-" or none: stdin)')
    .option('--log-group <NAME>', 'log group that plain-text lines came from')
    .option('--json', 'print JSON Lines, one object per distinct diagnosis')
    .option('--sample', 'diagnose the bundled sample outage instead of FILEs')
    .option(
      '--verify',
      'check each diagnosis against the live account with read-only AWS calls: root cause, evidence, exact fixes',
    )
    .option('--verbose', 'with --verify: list every AWS call made and its answer');
  return withAwsOptions(
    command,
    'with --verify: AWS Region of resources the logs do not place (default: AWS_REGION or the profile)',
  ).action(
    runAction(async (files: string[], options: DiagnoseOptions) => diagnose(files, options)),
  );
}

async function diagnose(files: string[], options: DiagnoseOptions): Promise<void> {
  // Flags are checked before anything is read.
  if (options.verify) checkAwsOptions(options);
  const trust = trustFromFlags(options);
  const inputs = options.sample
    ? [await readOne(samplePath('sample-outage.log'))]
    : await readInputs(files);

  // Decode every input; a bad one is reported but does not lose the good ones beside it.
  const batches: LogBatch[] = [];
  const failures: string[] = [];
  for (const input of inputs) {
    try {
      batches.push(...decodeInput(input.bytes, { logGroup: options.logGroup }));
    } catch (error) {
      if (!(error instanceof InvalidPayloadError)) throw error;
      failures.push(`${input.label}: ${error.message}`);
    }
  }
  let { diagnoses } = analyzeBatches(batches, { trust });
  if (options.verify && diagnoses.length > 0) {
    // Loaded here: the SDK costs hundreds of ms that a plain diagnose should not pay.
    const { verifyDiagnoses } =
      require('../cli/verifyDiagnoses') as typeof import('../cli/verifyDiagnoses');
    diagnoses = await verifyDiagnoses(diagnoses, { ...options, trust });
  }
  if (options.json) {
    for (const d of diagnoses) process.stdout.write(`${terminalJson(diagnosisJson(d))}\n`);
  } else if (diagnoses.length > 0 || failures.length === 0) {
    // "nothing found" would be misleading when inputs could not be read
    const colour = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
    process.stdout.write(
      renderDiagnosisText(diagnoses, colour, { verbose: options.verbose === true }),
    );
  }
  if (failures.length > 0) {
    throw new InvalidPayloadError('bad-input', failures.join('; '));
  }
}
