import { ConfigError, InvokeDoctorError } from '../../lambda/core/errors';

/**
 * One line of advice, with the fix, for the AWS errors people actually hit when a command reads
 * AWS: no credentials, a profile that does not exist, no Region, rejected or expired credentials,
 * access denied, a missing resource, no network. `what` names what was being read (`table x`,
 * `log group y`); `alternative` is appended to the credentials advice (`, or use --local`). Other
 * errors pass through unchanged. With `profile` (the `--profile` given), missing credentials are
 * that profile's.
 */
export function awsAdvice(
  error: unknown,
  what: string,
  alternative = '',
  profile?: string,
): unknown {
  if (error instanceof InvokeDoctorError || !(error instanceof Error)) return error;
  const name = error.name;
  const message = error.message.replace(/\s+/g, ' ').trim();
  const code = (error as NodeJS.ErrnoException).code ?? '';
  const lower = message.toLowerCase();
  const profileAt = lower.indexOf('profile ');
  // indexOf, not /Profile .* could not be found/, which backtracks on a long message
  if (profileAt !== -1 && lower.indexOf(' could not be found', profileAt) !== -1) {
    return new ConfigError(
      '--profile',
      `${message.replace(/\.$/, '')}: pass an existing profile (aws configure list-profiles)${alternative}`,
      { cause: error },
    );
  }
  const noCredentials =
    name === 'CredentialsProviderError' || /Could not load credentials/i.test(message);
  if (noCredentials && profile !== undefined) {
    return new ConfigError(
      '--profile',
      `no credentials for profile ${profile} to read ${what}: check that it exists (aws configure list-profiles) and is signed in (aws sso login --profile ${profile})`,
      { cause: error },
    );
  }
  if (noCredentials) {
    return new InvokeDoctorError(
      `no AWS credentials to read ${what}: configure them (aws configure, or pass --profile NAME, or set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY)${alternative}`,
      { cause: error },
    );
  }
  if (/Region is missing|Region not accepted/i.test(message)) {
    return new ConfigError(
      '--region',
      `no AWS Region to read ${what}: pass --region (e.g. --region us-east-1) or set AWS_REGION`,
      { cause: error },
    );
  }
  if (/^(UnrecognizedClient|InvalidClientTokenId|ExpiredToken|InvalidSignature)/.test(name)) {
    return new InvokeDoctorError(
      `AWS rejected your credentials reading ${what} (${name}): refresh them (aws sso login, or new keys) or pass --profile NAME`,
      { cause: error },
    );
  }
  if (/AccessDenied/.test(name)) {
    return new InvokeDoctorError(`access denied reading ${what}: ${message}`, { cause: error });
  }
  if (name === 'ResourceNotFoundException') {
    return new InvokeDoctorError(`${what} not found: check the name and --region`, {
      cause: error,
    });
  }
  if (['ENOTFOUND', 'ECONNREFUSED', 'ETIMEDOUT', 'EAI_AGAIN', 'ECONNRESET'].includes(code)) {
    return new InvokeDoctorError(
      `could not reach AWS to read ${what} (${code}): check your network, proxy and --region`,
      { cause: error },
    );
  }
  return error;
}
