import type { AccessRequest, ContextValue } from '../../lambda/core/verify/types';
import { fixture } from './fixture';

/** A policy fixture under test/events/policies, as text. */
export function policyText(name: string): string {
  return fixture(`policies/${name}`);
}

/** A policy fixture parsed; statement fixtures come back as the statement object. */
export function policyJson(name: string): Record<string, unknown> {
  return JSON.parse(policyText(name)) as Record<string, unknown>;
}

/** Statement fixtures wrapped in a document, as GetPolicy would return them together. */
export function documentOf(...statements: Record<string, unknown>[]): Record<string, unknown> {
  return { Version: '2012-10-17', Id: 'default', Statement: statements };
}

type Context = Record<string, ContextValue>;

/** A request by a service principal. */
export function byService(
  service: string,
  resource: string,
  context: Context = {},
  action = 'lambda:InvokeFunction',
): AccessRequest {
  return { principal: { kind: 'service', service }, action, resource, context };
}

/** A request by an IAM principal; the account is read from the ARN. */
export function byArn(
  arn: string,
  resource: string,
  context: Context = {},
  action = 'lambda:InvokeFunction',
  roleArn?: string,
): AccessRequest {
  const accountId = arn.split(':')[4] ?? '';
  const principal =
    roleArn === undefined
      ? { kind: 'aws' as const, arn, accountId }
      : { kind: 'aws' as const, arn, accountId, roleArn };
  return { principal, action, resource, context };
}

/** An unsigned request (a function URL with auth type NONE). */
export function anonymous(
  resource: string,
  context: Context = {},
  action = 'lambda:InvokeFunctionUrl',
): AccessRequest {
  return { principal: { kind: 'anonymous' }, action, resource, context };
}

/**
 * The statement the Lambda console adds beside the public URL grant since October 2025, when URLs
 * began to need `lambda:InvokeFunction` too (urls-auth.html) and AddPermission gained
 * `InvokedViaFunctionUrl`. No verbatim capture is public, so it is built from the documented URL
 * statement: same principal and function, the invoke action, and the condition key added for it.
 */
export function viaUrlStatement(): Record<string, unknown> {
  const [url] = policyJson('function-url-public-policy.json').Statement as Record<
    string,
    unknown
  >[];
  const statement = structuredClone(url!);
  statement.Sid = 'FunctionURLAllowInvokeAction';
  statement.Action = 'lambda:InvokeFunction';
  statement.Condition = { Bool: { 'lambda:InvokedViaFunctionUrl': 'true' } };
  return statement;
}
