/**
 * The optional `remove-permission` clean-up: a statement that nearly matched (another stage, API or
 * method in its source ARN) grants nothing the failing request needs once the right statement is
 * added. Shown after the grant, never instead of it: something else may still rely on it.
 */
import type { Fix } from '../types';
import { checked, shown } from './checked';
import { commandLine, type Word } from './commandLine';
import type { ResolvedFacts } from './resolveFacts';

/** Renders `aws lambda remove-permission` for the stale statement `sid` of the function's policy. */
export function renderRemovePermission(r: ResolvedFacts, sid: string): Fix {
  const { fn } = r;
  const statement = checked(
    sid,
    'policyStatementId',
    'the statement id',
    '<STATEMENT_ID>',
    'a statement id of the policy',
  );
  const words: Word[] = [
    'aws',
    'lambda',
    'remove-permission',
    '--region',
    fn.region,
    '--function-name',
    fn.arn,
  ];
  if (fn.qualifier) words.push('--qualifier', fn.qualifier);
  words.push('--statement-id', statement);
  const line = commandLine(words);
  const sentences = [
    `Statement ${shown(statement)} of ${shown(fn.name)}${fn.qualifier ? `:${shown(fn.qualifier)}` : ''}'s resource-based policy names another source than the failing request. Once the grant above is in place it is not needed for this route; remove it only if nothing else (another stage or API) relies on it.`,
  ];
  if (line.command === null) {
    sentences.push(`No runnable command: ${line.problems.join('; ')}. Template: ${line.template}`);
  }
  return { kind: 'remove-permission', description: sentences.join(' '), command: line.command };
}
