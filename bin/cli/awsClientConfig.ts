import { AWS_FORMATS } from '../../lambda/core/awsFormats';
import { ConfigError } from '../../lambda/core/errors';

/** The `--region` / `--profile` options every AWS-reading command takes. */
export interface AwsOptions {
  readonly region?: string;
  readonly profile?: string;
}

/** Profile names the AWS CLI accepts in its config files. */
const PROFILE = /^[A-Za-z0-9_.@+=,:/-]{1,128}$/;

/**
 * SDK client configuration from `--region` and `--profile` (unset: the SDK's own chain, AWS_REGION,
 * AWS_PROFILE, the config files). A malformed value is a ConfigError naming the flag (exit 2)
 * before any AWS call is made.
 */
export function awsClientConfig(options: AwsOptions): { region?: string; profile?: string } {
  const config: { region?: string; profile?: string } = {};
  if (options.region !== undefined) {
    if (!AWS_FORMATS.region.test(options.region)) {
      throw new ConfigError(
        '--region',
        `expected a Region code such as us-east-1, got ${JSON.stringify(options.region)}`,
      );
    }
    config.region = options.region;
  }
  if (options.profile !== undefined) {
    if (!PROFILE.test(options.profile)) {
      throw new ConfigError('--profile', `not a profile name: ${JSON.stringify(options.profile)}`);
    }
    config.profile = options.profile;
  }
  return config;
}
