import type { Command } from 'commander';
import { ConfigError } from '../../lambda/core/errors';

/** The AWS flags of commands that read the account. */
export interface AwsOptions {
  readonly profile?: string;
  readonly region?: string;
}

const PROFILE = /^[A-Za-z0-9._+=,@-]{1,128}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

/** Adds `--profile` and `--region` (the standard credential chain otherwise). */
export function withAwsOptions(command: Command, regionHelp: string): Command {
  return command
    .option('--profile <NAME>', 'AWS named profile (default: AWS_PROFILE or the standard chain)')
    .option('--region <REGION>', regionHelp);
}

/** Checks the AWS flags before any call: a typo costs no request and prints one line. */
export function checkAwsOptions(options: AwsOptions): AwsOptions {
  if (options.profile !== undefined && !PROFILE.test(options.profile)) {
    throw new ConfigError('--profile', `not a profile name: ${JSON.stringify(options.profile)}`);
  }
  if (options.region !== undefined && !REGION.test(options.region)) {
    throw new ConfigError(
      '--region',
      `not a Region code (such as us-east-1): ${JSON.stringify(options.region)}`,
    );
  }
  return options;
}
