import type { Command } from 'commander';
import { AWS_FORMATS } from '../../lambda/core/awsFormats';
import { ConfigError } from '../../lambda/core/errors';
import type { GrantTrust } from '../../lambda/core/fixes/callerTrust';

/** The trust flags as commander parses them. */
export interface TrustFlags {
  readonly trustAccount?: readonly string[];
  readonly trustOrg?: string;
}

const collect = (value: string, previous: readonly string[] = []): string[] => [...previous, value];

/**
 * Adds `--trust-account ID` (repeatable) and `--trust-org ID` to a command that renders fixes: a
 * grant to a caller outside the function's account, the log group's account and these is never
 * printed as a runnable command.
 */
export function trustOptions(command: Command): Command {
  return command
    .option(
      '--trust-account <ID>',
      "also give runnable grants to callers in this account (repeatable; the function's own account is always trusted)",
      collect,
    )
    .option(
      '--trust-org <ID>',
      'give callers of other accounts a grant limited to this AWS Organizations id (--principal-org-id)',
    );
}

/** The trust the flags ask for; a malformed id is a ConfigError (exit 2) naming the flag. */
export function trustFromFlags(flags: TrustFlags): GrantTrust {
  const accounts = (flags.trustAccount ?? []).map((raw) => raw.trim());
  for (const account of accounts) {
    if (!AWS_FORMATS.accountId.test(account)) {
      throw new ConfigError(
        '--trust-account',
        `expected a 12-digit account id, got ${JSON.stringify(account)}`,
      );
    }
  }
  const org = flags.trustOrg?.trim() ?? null;
  if (org !== null && !AWS_FORMATS.organizationId.test(org)) {
    throw new ConfigError(
      '--trust-org',
      `expected an organization id (o-...), got ${JSON.stringify(org)}`,
    );
  }
  return { accounts, organizationId: org };
}

/** True when the flags trust anything beyond the defaults. */
export function trustGiven(flags: TrustFlags): boolean {
  return (flags.trustAccount?.length ?? 0) > 0 || flags.trustOrg !== undefined;
}
