/**
 * The exact `remove-explicit-deny` fix for a Deny in an inline policy of the caller: the same policy
 * put back without the statements that deny this invoke (or deleted, when nothing else is left).
 * A deny is often deliberate, so the description says what it removes and that it may be wanted.
 */
import type { Fix } from '../types';
import { checked, shown, valid } from './checked';
import { commandLine } from './commandLine';

/** The inline policy, who holds it, and its document without the denying statements. */
export interface DenyStatementTarget {
  readonly holder: 'role' | 'user';
  readonly name: string;
  readonly policyName: string;
  readonly sids: readonly string[];
  /** The policy without the denying statements, JSON; null when none would be left. */
  readonly remaining: string | null;
}

/** Most policy text put on a command line (IAM's own inline limit is 10,240 characters for roles). */
const MAX_DOCUMENT = 10_240;

/** Renders `put-role-policy` (or `delete-role-policy`) removing the denying statements. */
export function renderRemoveDenyStatement(t: DenyStatementTarget): Fix {
  const holder = checked(
    t.name,
    'iamName',
    `the ${t.holder} name`,
    '<NAME>',
    `an IAM ${t.holder} name`,
  );
  const policy = checked(
    t.policyName,
    'policyName',
    'the policy name',
    '<POLICY_NAME>',
    'an inline policy name',
  );
  const statements = t.sids.length > 0 ? t.sids.map((s) => `"${s}"`).join(', ') : 'without a Sid';
  const flag = t.holder === 'role' ? '--role-name' : '--user-name';
  const line =
    t.remaining === null
      ? commandLine([
          'aws',
          'iam',
          `delete-${t.holder}-policy`,
          flag,
          holder,
          '--policy-name',
          policy,
        ])
      : t.remaining.length > MAX_DOCUMENT
        ? null
        : commandLine([
            'aws',
            'iam',
            `put-${t.holder}-policy`,
            flag,
            holder,
            '--policy-name',
            policy,
            '--policy-document',
            valid(t.remaining),
          ]);
  const what =
    t.remaining === null
      ? `deletes inline policy ${shown(policy)} of ${t.holder} ${shown(holder)}, whose only statements (${statements}) deny the invoke`
      : `puts inline policy ${shown(policy)} of ${t.holder} ${shown(holder)} back without its statement ${statements}, which denies the invoke; the other statements stay as they are`;
  const sentences = [
    `An explicit Deny wins over every Allow. The command ${what}.`,
    'A Deny is often deliberate (a guardrail): if it is, narrow its Resource or add a condition instead, and keep it.',
  ];
  if (line === null)
    sentences.push(
      'The policy is too long to put on one command line: edit it in the console or your template.',
    );
  else if (line.command === null)
    sentences.push(`No runnable command: ${line.problems.join('; ')}.`);
  return {
    kind: 'remove-explicit-deny',
    description: sentences.join(' '),
    command: line?.command ?? null,
  };
}
