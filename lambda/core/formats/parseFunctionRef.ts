import { AWS_FORMATS } from '../awsFormats';
import { isMasked } from '../decode/isMasked';
import { trimDecoration } from '../decode/trimDecoration';
import type { FunctionRef } from '../types';

/** A function reference with every field unknown. */
export const UNKNOWN_FUNCTION: FunctionRef = {
  arn: null,
  name: null,
  qualifier: null,
  accountId: null,
  region: null,
};

/**
 * Drops the characters that end a resource token but can never end a function ARN: they come from
 * the wrapper around the message (`: ClientError`, `.`, `,`). A loop, not `/[.:,;]+$/`, which
 * backtracks quadratically on a long run of them.
 */
function trimTrailing(token: string): string {
  let end = token.length;
  while (end > 0 && '.:,;'.includes(token.charAt(end - 1))) end--;
  return token.slice(0, end);
}

/** The value, or null when it is empty or masked. */
function known(value: string | undefined): string | null {
  return value === undefined || value === '' || isMasked(value) ? null : value;
}

/** An account id only when it is one (12 digits): a mask, a placeholder or garbage is unknown. */
function account(value: string | undefined): string | null {
  return value !== undefined && AWS_FORMATS.accountId.test(value) ? value : null;
}

/** A region only when it is one: `<REGION>`, `xxxxx`, `...` are unknown. */
function region(value: string | undefined): string | null {
  return value !== undefined && AWS_FORMATS.region.test(value) ? value : null;
}

/**
 * Reads a Lambda function reference as it appears in a log line: a full ARN (unqualified or with a
 * `:version`/`:alias` qualifier), a partial `account:function:name` ARN or a bare name, with the
 * decoration around it (backticks, quotes, parentheses, a trailing period) removed. Masked or
 * malformed account ids and regions are null, a masked name or qualifier is null, and `arn` (always
 * the unqualified function ARN) is null unless its partition, region, account and name are all
 * known: nothing is guessed from a mask. A name that is not masked is carried as found; the fix
 * renderer validates it before putting it in a command.
 */
export function parseFunctionRef(raw: string): FunctionRef {
  const token = trimTrailing(trimDecoration(raw.trim()));
  if (token === '') return UNKNOWN_FUNCTION;
  const at = token.indexOf('function:');
  if (at === -1) {
    // an ARN of something else, or one masked past its service (`arn:aws:lambda:***`)
    if (token.startsWith('arn:')) return UNKNOWN_FUNCTION;
    const [name, qualifier] = token.split(':');
    return { ...UNKNOWN_FUNCTION, name: known(name), qualifier: known(qualifier) };
  }
  const head = token.slice(0, at).split(':');
  const [rawName, rawQualifier] = token.slice(at + 'function:'.length).split(':');
  const name = known(rawName);
  const qualifier = known(rawQualifier);
  if (token.startsWith('arn:') && head.length === 6) {
    // arn:partition:lambda:region:account:function:name[:qualifier]
    const [, partition = '', , rawRegion, rawAccount] = head;
    const fnRegion = region(rawRegion);
    const accountId = account(rawAccount);
    const whole =
      name !== null &&
      fnRegion !== null &&
      accountId !== null &&
      AWS_FORMATS.partition.test(partition) &&
      head[2] === 'lambda';
    return {
      arn: whole ? `${head.join(':')}function:${name}` : null,
      name,
      qualifier,
      accountId,
      region: fnRegion,
    };
  }
  // Partial ARN (`123456789012:function:name`) or something unusual before `function:`.
  return {
    arn: null,
    name,
    qualifier,
    accountId: head.length >= 2 ? account(head[head.length - 2]) : null,
    region: head.length >= 3 ? region(head[head.length - 3]) : null,
  };
}
