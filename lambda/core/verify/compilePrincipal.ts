import { hasWildcard } from './compileGlob';
import type { PrincipalValue } from './types';

/** One principal of a `Principal`/`NotPrincipal` element, read once per document. */
export type PrincipalEntry =
  | { readonly type: 'everyone'; readonly text: string }
  | { readonly type: 'aws-everyone'; readonly text: string }
  | {
      readonly type: 'account';
      readonly text: string;
      readonly account: string;
      /** Undefined for the bare 12-digit form, which names the account in any partition. */
      readonly partition: string | undefined;
    }
  | {
      readonly type: 'user';
      readonly text: string;
      readonly arn: string;
      readonly partition: string;
      readonly account: string;
    }
  | {
      readonly type: 'role';
      readonly text: string;
      readonly arn: string;
      readonly partition: string;
      readonly account: string;
      readonly name: string;
    }
  | {
      readonly type: 'session';
      readonly text: string;
      readonly arn: string;
      readonly partition: string;
      readonly account: string;
      readonly roleName: string;
    }
  | { readonly type: 'federated-user'; readonly text: string; readonly arn: string }
  | { readonly type: 'service'; readonly text: string; readonly service: string }
  | { readonly type: 'federated'; readonly text: string }
  | { readonly type: 'canonical-user'; readonly text: string }
  | { readonly type: 'unsupported'; readonly text: string; readonly reason: string };

const ACCOUNT_ID = /^\d{12}$/;
const ROOT = /^arn:([a-z-]+):iam::(\d{12}):root$/;
const USER = /^arn:([a-z-]+):iam::(\d{12}):user\/(?:[^/]+\/)*[^/]+$/;
const ROLE = /^arn:([a-z-]+):iam::(\d{12}):role\/(?:[^/]+\/)*([^/]+)$/;
const SESSION = /^arn:([a-z-]+):sts::(\d{12}):assumed-role\/([^/]+)\/([^/]+)$/;
const FEDERATED_USER = /^arn:([a-z-]+):sts::(\d{12}):federated-user\/[^/]+$/;

function aws(value: string, text: string): PrincipalEntry {
  if (value === '*') return { type: 'aws-everyone', text };
  if (hasWildcard(value)) {
    // IAM: "You cannot use a wildcard to match part of a principal name or ARN."
    return { type: 'unsupported', text, reason: 'a wildcard may only stand for a whole principal' };
  }
  if (ACCOUNT_ID.test(value))
    return { type: 'account', text, account: value, partition: undefined };
  let m = ROOT.exec(value);
  if (m) return { type: 'account', text, account: m[2]!, partition: m[1]! };
  m = USER.exec(value);
  if (m) return { type: 'user', text, arn: value, partition: m[1]!, account: m[2]! };
  m = ROLE.exec(value);
  if (m) return { type: 'role', text, arn: value, partition: m[1]!, account: m[2]!, name: m[3]! };
  m = SESSION.exec(value);
  if (m) {
    return {
      type: 'session',
      text,
      arn: value,
      partition: m[1]!,
      account: m[2]!,
      roleName: m[3]!,
    };
  }
  if (FEDERATED_USER.test(value)) return { type: 'federated-user', text, arn: value };
  // Unique ids (AROA..., AIDA...) appear when the named role or user was deleted; other shapes
  // are not principals IAM accepts. Neither can be matched for sure.
  return { type: 'unsupported', text, reason: 'this principal form is not modelled' };
}

/** Reads one principal value of a parsed `Principal`/`NotPrincipal` element. */
export function compilePrincipal(value: PrincipalValue): PrincipalEntry {
  const text = value.type === '*' ? '*' : `${value.type} ${value.value}`;
  switch (value.type) {
    case '*':
      return { type: 'everyone', text };
    case 'AWS':
      return aws(value.value, text);
    case 'Service':
      return hasWildcard(value.value)
        ? { type: 'unsupported', text, reason: 'a wildcard may only stand for a whole principal' }
        : { type: 'service', text, service: value.value };
    case 'Federated':
      return { type: 'federated', text };
    default:
      return { type: 'canonical-user', text };
  }
}
