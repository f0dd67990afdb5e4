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

function orNull(value: string | undefined): string | null {
  return value === undefined || value === '' ? null : value;
}

/**
 * Reads a Lambda function reference as it appears in a log line: a full ARN (unqualified or with a
 * `:version`/`:alias` qualifier), a partial `account:function:name` ARN or a bare name. Values are
 * carried as found (masked account ids such as `xxxx` or `<ACCOUNT_ID>` included); the fix renderer
 * validates them before putting them in a command. `arn` is always the unqualified function ARN.
 */
export function parseFunctionRef(raw: string): FunctionRef {
  const token = trimTrailing(raw.trim());
  if (token === '') return UNKNOWN_FUNCTION;
  const at = token.indexOf('function:');
  if (at === -1) {
    const [name, qualifier] = token.split(':');
    return { ...UNKNOWN_FUNCTION, name: orNull(name), qualifier: orNull(qualifier) };
  }
  const head = token.slice(0, at).split(':');
  const [name, qualifier] = token.slice(at + 'function:'.length).split(':');
  if (token.startsWith('arn:') && head.length === 6) {
    // arn:partition:lambda:region:account:function:name[:qualifier]
    const [, , , region, accountId] = head;
    const cleanName = orNull(name);
    return {
      arn: cleanName === null ? null : `${head.join(':')}function:${cleanName}`,
      name: cleanName,
      qualifier: orNull(qualifier),
      accountId: orNull(accountId),
      region: orNull(region),
    };
  }
  // Partial ARN (`123456789012:function:name`) or something unusual before `function:`.
  return {
    arn: null,
    name: orNull(name),
    qualifier: orNull(qualifier),
    accountId: head.length >= 2 ? orNull(head[head.length - 2]) : null,
    region: head.length >= 3 ? orNull(head[head.length - 3]) : null,
  };
}
