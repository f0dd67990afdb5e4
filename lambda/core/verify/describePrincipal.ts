import type { RequestPrincipal } from './types';

/** What the evaluator knows about the caller, read from its ARN. */
export type Identity =
  | { readonly type: 'service'; readonly service: string }
  | { readonly type: 'anonymous' }
  | {
      readonly type: 'root';
      readonly partition: string;
      readonly account: string;
      readonly arn: string;
    }
  | {
      readonly type: 'user';
      readonly partition: string;
      readonly account: string;
      readonly arn: string;
    }
  | {
      /** A role ARN given as the caller: some session of that role, session name unknown. */
      readonly type: 'role';
      readonly partition: string;
      readonly account: string;
      readonly arn: string;
      readonly name: string;
    }
  | {
      readonly type: 'session';
      readonly partition: string;
      readonly account: string;
      readonly arn: string;
      readonly roleName: string;
      /** The role's ARN with its path, when the caller supplied a consistent one. */
      readonly roleArn: string | undefined;
    }
  | {
      readonly type: 'federated-user';
      readonly partition: string;
      readonly account: string;
      readonly arn: string;
    }
  | {
      /** An ARN shape the evaluator does not model, or one that contradicts `accountId`. */
      readonly type: 'unparsed';
      readonly account: string | undefined;
      readonly arn: string;
      readonly reason: string;
    };

const ROOT = /^arn:([a-z-]+):iam::(\d{12}):root$/;
const USER = /^arn:([a-z-]+):iam::(\d{12}):user\/(?:[^/*?]+\/)*[^/*?]+$/;
const ROLE = /^arn:([a-z-]+):iam::(\d{12}):role\/(?:[^/*?]+\/)*([^/*?]+)$/;
const SESSION = /^arn:([a-z-]+):sts::(\d{12}):assumed-role\/([^/*?]+)\/([^/*?]+)$/;
const FEDERATED_USER = /^arn:([a-z-]+):sts::(\d{12}):federated-user\/([^/*?]+)$/;

/** Matches an ARN and returns its partition, account and captures, when the account agrees. */
function read(pattern: RegExp, arn: string, accountId: string): string[] | 'mismatch' | undefined {
  const m = pattern.exec(arn);
  if (m === null) return undefined;
  return m[2] === accountId ? m.slice(1) : 'mismatch';
}

/**
 * Reads the caller of an {@link AccessRequest} into the facts principal matching needs. An ARN of
 * an unmodelled shape, or one whose account contradicts `accountId`, yields `unparsed`, which
 * matches no specific principal for sure.
 */
export function describePrincipal(principal: RequestPrincipal): Identity {
  if (principal.kind === 'service') return { type: 'service', service: principal.service };
  if (principal.kind === 'anonymous') return { type: 'anonymous' };
  const { arn, accountId } = principal;
  const unparsed = (reason: string): Identity => ({
    type: 'unparsed',
    account: /^\d{12}$/.test(accountId) ? accountId : undefined,
    arn,
    reason,
  });
  const shapes = [
    ['root', ROOT],
    ['user', USER],
    ['role', ROLE],
    ['session', SESSION],
    ['federated-user', FEDERATED_USER],
  ] as const;
  for (const [type, pattern] of shapes) {
    const m = read(pattern, arn, accountId);
    if (m === undefined) continue;
    if (m === 'mismatch') return unparsed('the ARN names another account than accountId');
    const [partition = '', account = '', name = ''] = m;
    if (type === 'role') return { type, partition, account, arn, name };
    if (type === 'session') {
      const role = principal.roleArn === undefined ? null : ROLE.exec(principal.roleArn);
      // A role ARN that does not belong to this session is ignored: the path stays unknown.
      const consistent =
        role !== null && role[1] === partition && role[2] === account && role[3] === name;
      return {
        type,
        partition,
        account,
        arn,
        roleName: name,
        roleArn: consistent ? principal.roleArn : undefined,
      };
    }
    return { type, partition, account, arn };
  }
  return unparsed('this principal ARN shape is not modelled');
}
