import type { PrincipalEntry } from './compilePrincipal';
import type { Identity } from './describePrincipal';
import { kleene } from './kleene';
import type { PrincipalMatchKind, Tri } from './types';

/** How one principal entry relates to the caller; undefined when it certainly does not match. */
type EntryMatch = { readonly kind: PrincipalMatchKind; readonly result: Tri } | undefined;

const UNKNOWN_EXACT: EntryMatch = { kind: 'exact', result: 'unknown' };

function sameAccount(
  entry: { partition: string; account: string },
  identity: { partition: string; account: string },
): boolean {
  return entry.partition === identity.partition && entry.account === identity.account;
}

/** Compares names exactly; a difference in case only is unknown rather than false. */
function names(a: string, b: string): Tri {
  if (a === b) return true;
  return a.toLowerCase() === b.toLowerCase() ? 'unknown' : false;
}

function asMatch(kind: PrincipalMatchKind, result: Tri): EntryMatch {
  return result === false ? undefined : { kind, result };
}

/**
 * Matches one entry against the caller, following IAM: an account (id or `:root` ARN) matches
 * every principal of that account by delegation; a role ARN matches the role's sessions, which
 * needs the role's path, absent from session ARNs; `{"AWS": "*"}` is documented as equal to `*`
 * for anonymous callers but not for service principals.
 */
function matchEntry(entry: PrincipalEntry, identity: Identity): EntryMatch {
  if (entry.type === 'everyone') return { kind: 'wildcard', result: true };
  if (identity.type === 'unparsed') {
    if (entry.type === 'account') {
      return identity.account === undefined || identity.account === entry.account
        ? { kind: 'account', result: 'unknown' }
        : undefined;
    }
    return entry.type === 'aws-everyone' ? { kind: 'wildcard', result: true } : UNKNOWN_EXACT;
  }
  switch (entry.type) {
    case 'aws-everyone':
      return { kind: 'wildcard', result: identity.type === 'service' ? 'unknown' : true };
    case 'account':
      if (identity.type === 'service' || identity.type === 'anonymous') return undefined;
      return identity.account === entry.account &&
        (entry.partition === undefined || entry.partition === identity.partition)
        ? { kind: 'account', result: true }
        : undefined;
    case 'user':
      if (identity.type === 'user') return asMatch('exact', identity.arn === entry.arn);
      // A federated-user session's name is chosen by its creator, so which user made it is unknown.
      if (identity.type === 'federated-user' && sameAccount(entry, identity)) {
        return { kind: 'parent', result: 'unknown' };
      }
      return undefined;
    case 'role':
      if (identity.type === 'session' && sameAccount(entry, identity)) {
        const name = names(entry.name, identity.roleName);
        if (name === false) return undefined;
        if (identity.roleArn === undefined) return { kind: 'parent', result: 'unknown' };
        return asMatch('parent', kleene.and(name, names(identity.roleArn, entry.arn)));
      }
      if (identity.type === 'role' && sameAccount(entry, identity)) {
        // Role names are unique in an account: the same name under another path is another ARN
        // for no role at all, so only a difference in case leaves doubt.
        if (entry.arn === identity.arn) return { kind: 'parent', result: true };
        return names(entry.name, identity.name) === 'unknown'
          ? { kind: 'parent', result: 'unknown' }
          : undefined;
      }
      return undefined;
    case 'session':
      if (identity.type === 'session') {
        return asMatch('exact', names(entry.arn, identity.arn));
      }
      if (identity.type === 'role' && sameAccount(entry, identity)) {
        return asMatch('exact', names(entry.roleName, identity.name) && 'unknown');
      }
      return undefined;
    case 'federated-user':
      return identity.type === 'federated-user' && identity.arn === entry.arn
        ? { kind: 'exact', result: true }
        : undefined;
    case 'service':
      return identity.type === 'service'
        ? asMatch('exact', names(entry.service, identity.service))
        : undefined;
    case 'federated':
      // Web-identity and SAML sessions are assumed-role sessions whose provider is not in the ARN.
      return identity.type === 'session' || identity.type === 'role' ? UNKNOWN_EXACT : undefined;
    case 'canonical-user':
      return identity.type === 'service' || identity.type === 'anonymous'
        ? undefined
        : UNKNOWN_EXACT;
    default:
      return UNKNOWN_EXACT;
  }
}

/** The outcome of a `Principal` or `NotPrincipal` element for one caller. */
export interface PrincipalOutcome {
  /** Whether the element lets the statement apply to the caller. */
  readonly result: Tri;
  /** For `Principal`: per kind of match; undefined for `NotPrincipal`. */
  readonly byKind: Readonly<Record<PrincipalMatchKind, Tri>> | undefined;
  /** Why the result is unknown, when it is. */
  readonly reason: string | undefined;
}

/**
 * Evaluates a `Principal` element (per kind of match) or a `NotPrincipal` element. `NotPrincipal`
 * is decided only when the list names nothing related to an IAM caller (then the statement
 * applies) or when it excludes a service or anonymous caller outright: for IAM callers AWS checks
 * the account, role and session separately in a service-dependent order, and a caller with a
 * permissions boundary is denied whatever the list says.
 */
export function matchPrincipal(
  entries: readonly PrincipalEntry[],
  negated: boolean,
  identity: Identity,
): PrincipalOutcome {
  const matches = entries.map((e) => matchEntry(e, identity));
  if (negated) {
    if (matches.every((m) => m === undefined)) {
      return { result: true, byKind: undefined, reason: undefined };
    }
    const simple = identity.type === 'service' || identity.type === 'anonymous';
    if (simple && matches.some((m) => m?.result === true)) {
      return { result: false, byKind: undefined, reason: undefined };
    }
    return {
      result: 'unknown',
      byKind: undefined,
      reason: simple
        ? 'whether NotPrincipal excludes the caller cannot be decided'
        : 'NotPrincipal names the caller, its role or its account; IAM checks these in a service-dependent order and ignores NotPrincipal for callers with a permissions boundary',
    };
  }
  const byKind: Record<PrincipalMatchKind, Tri> = {
    exact: false,
    wildcard: false,
    parent: false,
    account: false,
  };
  let reason: string | undefined;
  for (const [i, m] of matches.entries()) {
    if (m === undefined) continue;
    byKind[m.kind] = kleene.or(byKind[m.kind], m.result);
    if (m.result === 'unknown' && reason === undefined) {
      const entry = entries[i]!;
      reason =
        entry.type === 'unsupported'
          ? `${entry.text}: ${entry.reason}`
          : entry.type === 'role' && identity.type === 'session' && identity.roleArn === undefined
            ? `${entry.text} names a role by path and name; the session ARN does not carry the role's path`
            : `whether ${entry.text} names the caller cannot be decided`;
    }
  }
  const result = kleene.or(byKind.exact, byKind.wildcard, byKind.parent, byKind.account);
  return { result, byKind, reason: result === 'unknown' ? reason : undefined };
}
