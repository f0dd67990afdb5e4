import type { Context } from 'aws-lambda';

/**
 * The function's own account and partition, read from its ARN in the Lambda context, so that
 * verification knows whose credentials it runs with without calling GetCallerIdentity.
 */
export function identityOf(
  context: Pick<Context, 'invokedFunctionArn'> | undefined,
): { account: string; partition: string } | undefined {
  const m = /^arn:([a-z-]+):lambda:[^:]*:(\d{12}):function:/.exec(
    context?.invokedFunctionArn ?? '',
  );
  return m ? { partition: m[1]!, account: m[2]! } : undefined;
}
