/**
 * AWS services that invoke a function through its resource-based policy on behalf of one of
 * their resources, fail without a grant, and leave nothing in the function's logs. One row each:
 * the service principal, what people call the resource, and whether a fix should add
 * `SourceAccount` (S3 bucket ARNs and log-group grants name no account of their own).
 */

import { serviceContext } from './apiGatewayCalls';
import type { Call, Caller, FunctionRef, SourceLocation, SuggestedGrant } from './CheckGraph';
import type { Unresolved } from './Unresolved';

/** The services, by key. */
export const SERVICE_CALLERS = {
  eventbridge: { principal: 'events.amazonaws.com', noun: 'EventBridge rule', account: false },
  sns: { principal: 'sns.amazonaws.com', noun: 'SNS subscription', account: false },
  s3: { principal: 's3.amazonaws.com', noun: 'S3 bucket notification', account: true },
  cognito: { principal: 'cognito-idp.amazonaws.com', noun: 'Cognito trigger', account: false },
  logs: { principal: 'logs.amazonaws.com', noun: 'CloudWatch Logs subscription', account: true },
  iot: { principal: 'iot.amazonaws.com', noun: 'IoT rule', account: false },
} as const;

/** A service of {@link SERVICE_CALLERS}. */
export type ServiceCallerKind = keyof typeof SERVICE_CALLERS;

/** What a reader found: a resource of `kind` that invokes `target`. */
export interface ServiceCallerInput {
  readonly kind: ServiceCallerKind;
  readonly location: SourceLocation;
  /** The resource, as people name it (`rule Nightly`, `bucket Uploads (s3:ObjectCreated:*)`). */
  readonly what: string;
  readonly target: FunctionRef | Unresolved;
  readonly sourceArn: string;
  readonly sourceAccount: string;
  readonly onlyIf?: string | undefined;
}

/**
 * The caller for one service resource. CloudWatch Logs grants have been documented both with
 * `logs.amazonaws.com` and with the Regional `logs.<region>.amazonaws.com`; either satisfies it.
 */
export function serviceCaller(input: ServiceCallerInput): Caller {
  const row = SERVICE_CALLERS[input.kind];
  const call: Call = {
    label: row.noun,
    principal: { kind: 'service', service: row.principal },
    action: 'lambda:InvokeFunction',
    context: serviceContext(input.sourceArn, input.sourceAccount),
  };
  const suggested: SuggestedGrant = {
    principal: row.principal,
    principalKind: 'service',
    action: 'lambda:InvokeFunction',
    sourceArn: input.sourceArn,
    sourceAccount: row.account ? input.sourceAccount : null,
    functionUrlAuthType: null,
    label: row.principal.replace(/\.amazonaws\.com$/, ''),
  };
  return {
    rule: 'IDC006',
    location: input.location,
    description: `${row.noun} ${input.what}`,
    target: input.target,
    calls: [call],
    suggested,
    onlyIf: input.onlyIf,
  };
}
