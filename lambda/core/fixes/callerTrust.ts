/**
 * The trust boundary for grants. A log line is written by whoever can make a watched service log a
 * string, so the account it names as the caller proves nothing: a grant is runnable only for a
 * caller in a trusted account — the function's own account, the account owning the log group, the
 * configured trusted accounts — or, through a grant limited to it, the trusted organization.
 */
import { AWS_FORMATS, parseAssumedRoleArn, parseFunctionArn, parseIamArn } from '../awsFormats';
import type { CallerTrust, DiagnosisFacts } from '../types';

/** Accounts (and an organization) whose principals may receive a runnable grant. */
export interface GrantTrust {
  /**
   * Trusted account ids besides the function's own: the configured `trustedAccounts` /
   * `--trust-account`, and the account owning the log group when the delivery names it.
   */
  readonly accounts: readonly string[];
  /** AWS Organizations id: other accounts get a grant limited to it (`--principal-org-id`). */
  readonly organizationId: string | null;
}

/** No trust beyond the function's own account. */
export const NO_EXTRA_TRUST: GrantTrust = { accounts: [], organizationId: null };

/** `trust` plus the account owning the log group, when the delivery names a valid one. */
export function withOwner(trust: GrantTrust, owner: string | null | undefined): GrantTrust {
  if (typeof owner !== 'string' || !AWS_FORMATS.accountId.test(owner)) return trust;
  if (trust.accounts.includes(owner)) return trust;
  return { ...trust, accounts: [...trust.accounts, owner] };
}

/** The caller's account as the facts name it, when it is a 12-digit id; null for services. */
function callerAccount(facts: DiagnosisFacts): string | null | undefined {
  const p = facts.principal;
  if (p === null || typeof p !== 'object') return undefined;
  if ((typeof p.service === 'string' && p.service !== '') || p.type === 'service') return undefined;
  const fromArn =
    parseIamArn('role', p.arn)?.accountId ??
    parseIamArn('user', p.arn)?.accountId ??
    parseAssumedRoleArn(p.arn)?.accountId ??
    null;
  const account = fromArn ?? p.accountId;
  if (typeof account === 'string' && AWS_FORMATS.accountId.test(account)) return account;
  // A caller that names no account at all (unknown, `User is not authorized`) is not an account.
  return account === null && (p.arn === null || p.arn === undefined) ? undefined : null;
}

/** The function's account, when the facts name a valid one. */
function functionAccount(facts: DiagnosisFacts): string | null {
  const fn = facts.function;
  if (fn === null || typeof fn !== 'object') return null;
  const account = parseFunctionArn(fn.arn)?.accountId ?? fn.accountId;
  return typeof account === 'string' && AWS_FORMATS.accountId.test(account) ? account : null;
}

/**
 * Trust of a diagnosis' caller: null when the caller is not an account (a service, API Gateway, a
 * caller the log does not name); `trusted` when its account is the function's own or one of
 * `trust.accounts`; `organization` when only a grant limited to the trusted organization may be
 * rendered; `unconfirmed` otherwise (a masked or malformed account included).
 */
export function callerTrust(facts: DiagnosisFacts, trust: GrantTrust): CallerTrust | null {
  const account = callerAccount(facts);
  if (account === undefined) return null;
  if (account !== null) {
    if (account === functionAccount(facts) || trust.accounts.includes(account)) return 'trusted';
    if (trust.organizationId !== null && AWS_FORMATS.organizationId.test(trust.organizationId)) {
      return 'organization';
    }
  }
  return 'unconfirmed';
}

/**
 * The trust a diagnosis was rendered with, as far as its stored facts tell: the log group's owner,
 * and the caller's account when it was found trusted. An organization grant cannot be told from
 * the facts, so it is not implied: re-rendered fixes are never broader than the stored ones.
 */
export function impliedTrust(
  facts: DiagnosisFacts & {
    readonly logOwner?: string | null;
    readonly callerTrust?: CallerTrust | null;
  },
): GrantTrust {
  const account = facts.callerTrust === 'trusted' ? callerAccount(facts) : null;
  const base: GrantTrust =
    typeof account === 'string' ? { accounts: [account], organizationId: null } : NO_EXTRA_TRUST;
  return withOwner(base, facts.logOwner);
}
