import { ArnFormat, Aws, Duration, Stack, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { AWS_FORMAT_HINTS, AWS_FORMATS } from '../../lambda/core/awsFormats';
import {
  CENTRAL_DESTINATION_NAME,
  CENTRAL_RESPONDER_ROLE_PREFIX,
  FILTER_PATTERN,
  MEMBER_READ_ROLE_PREFIX,
  ownLogGroupNames,
  STACK_NAMES,
} from '../../lambda/core/constants';
import { constructIdFor } from '../constructIdFor';

/** Name of the member's account-level policy and of its per-group subscription filters. */
export const MEMBER_SUBSCRIPTION_NAME = CENTRAL_DESTINATION_NAME;

/**
 * Read actions of live verification, granted by the member read role: a diagnosis is checked
 * against the function's resource policy and configuration, its alias and Function URL, the API's
 * integration, the caller's identity policies and recent changes, in the member's account.
 */
export const MEMBER_READ_ACTIONS = {
  lambda: [
    'lambda:GetPolicy',
    'lambda:GetFunction',
    'lambda:GetFunctionConfiguration',
    'lambda:GetAlias',
    'lambda:GetFunctionUrlConfig',
  ],
  apigateway: ['apigateway:GET'],
  iamRoles: [
    'iam:GetRole',
    'iam:GetRolePolicy',
    'iam:ListRolePolicies',
    'iam:ListAttachedRolePolicies',
  ],
  iamPolicies: ['iam:GetPolicy', 'iam:GetPolicyVersion'],
  simulate: ['iam:SimulatePrincipalPolicy'],
  cloudtrail: ['cloudtrail:LookupEvents'],
} as const;

/** Props of {@link InvokeDoctorSource}. */
export interface InvokeDoctorSourceProps {
  /** Account of the central stack (a literal or a parameter's value). */
  readonly centralAccount: string;
  /**
   * The central destination admits an organisation (`aws:PrincipalOrgID`): CloudWatch Logs then
   * needs a role in this account to check that it may subscribe (CloudWatch Logs User Guide,
   * "Create an IAM role (only if using an organization)").
   * @default false
   */
  readonly viaOrganization?: boolean;
  /**
   * Log groups to subscribe one by one instead of the account-level subscription filter policy.
   * @default - every log group, through one account-level policy
   */
  readonly logGroupNames?: readonly string[];
  /**
   * Create the read-only role the central responder assumes (with this external id) for live
   * verification.
   * @default - no role
   */
  readonly readRoleExternalId?: string | undefined;
}

/**
 * What a member account runs, per Region (with CDK or as a StackSet): a subscription of its log
 * groups to the central destination (one account-level subscription filter policy, or per-group
 * filters) with the shared filter pattern, never subscribing invoke-doctor's own log groups; and,
 * when asked, a read-only role that only the central responder may assume with an external id.
 */
export class InvokeDoctorSource extends Construct {
  /** `arn:<partition>:logs:<region>:<central account>:destination:invoke-doctor-central`. */
  readonly destinationArn: string;
  /** The account-level policy (absent with per-group filters). */
  readonly accountPolicy: logs.CfnAccountPolicy | undefined;
  /** Per-group subscription filters (empty with the account-level policy). */
  readonly subscriptionFilters: readonly logs.CfnSubscriptionFilter[];
  /** Role CloudWatch Logs assumes to check the organisation's permission (viaOrganization). */
  readonly subscriptionRole: iam.Role | undefined;
  /** The verification read role (readRoleExternalId). */
  readonly readRole: iam.Role | undefined;
  /** Log groups never subscribed: every invoke-doctor stack's own. */
  readonly excludedLogGroupNames: readonly string[];

  constructor(scope: Construct, id: string, props: InvokeDoctorSourceProps) {
    super(scope, id);
    const stack = Stack.of(this);
    if (
      !Token.isUnresolved(props.centralAccount) &&
      !AWS_FORMATS.accountId.test(props.centralAccount)
    ) {
      throw new Error(`InvokeDoctorSource: centralAccount must be ${AWS_FORMAT_HINTS.accountId}`);
    }
    const externalId = props.readRoleExternalId;
    if (externalId !== undefined && !AWS_FORMATS.externalId.test(externalId)) {
      throw new Error(
        `InvokeDoctorSource: readRoleExternalId must be ${AWS_FORMAT_HINTS.externalId}`,
      );
    }
    // The single-account and the central responder write diagnoses that match the filter: if this
    // account runs either, subscribing their log groups would loop.
    this.excludedLogGroupNames = [STACK_NAMES.single, STACK_NAMES.central].flatMap((name) =>
      ownLogGroupNames(name),
    );
    const groups = props.logGroupNames ?? [];
    checkLogGroups(groups, this.excludedLogGroupNames);

    this.destinationArn = stack.formatArn({
      service: 'logs',
      account: props.centralAccount,
      resource: 'destination',
      resourceName: CENTRAL_DESTINATION_NAME,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });

    const logGroupArn = (resourceName: string) =>
      stack.formatArn({
        service: 'logs',
        resource: 'log-group',
        resourceName,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      });
    if (props.viaOrganization === true) {
      this.subscriptionRole = new iam.Role(this, 'SubscriptionRole', {
        description:
          'CloudWatch Logs checks with it that this account may subscribe to the invoke-doctor central destination',
        assumedBy: new iam.ServicePrincipal('logs.amazonaws.com'),
      });
      const watched = groups.length > 0 ? groups.map((g) => `${g}:*`) : ['*'];
      this.subscriptionRole.addToPolicy(
        new iam.PolicyStatement({
          actions: ['logs:PutLogEvents'],
          resources: watched.map(logGroupArn),
        }),
      );
      if (groups.length === 0) {
        Validations.of(this.subscriptionRole).acknowledge({
          id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:*]',
          reason:
            'The account-level subscription covers every log group of the account, and CloudWatch Logs checks logs:PutLogEvents on the subscribed groups with this role (CloudWatch Logs User Guide, organisation subscriptions).',
        });
      } else {
        for (const group of groups) {
          Validations.of(this.subscriptionRole).acknowledge({
            id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:${group}:*]`,
            reason: `logs:PutLogEvents on the subscribed log group ${group}; CloudWatch Logs authorizes it only against a log group ARN ending in :*.`,
          });
        }
      }
    }
    const roleArn = this.subscriptionRole?.roleArn;

    if (groups.length === 0) {
      this.accountPolicy = new logs.CfnAccountPolicy(this, 'AccountSubscription', {
        policyName: MEMBER_SUBSCRIPTION_NAME,
        policyType: 'SUBSCRIPTION_FILTER_POLICY',
        scope: 'ALL',
        policyDocument: stack.toJsonString({
          DestinationArn: this.destinationArn,
          FilterPattern: FILTER_PATTERN,
          Distribution: 'Random',
          ...(roleArn === undefined ? {} : { RoleArn: roleArn }),
        }),
        selectionCriteria: `LogGroupName NOT IN [${this.excludedLogGroupNames.map((n) => JSON.stringify(n)).join(', ')}]`,
      });
      this.subscriptionFilters = [];
    } else {
      this.accountPolicy = undefined;
      this.subscriptionFilters = groups.map(
        (group) =>
          new logs.CfnSubscriptionFilter(this, `Subscribe${constructIdFor(group)}`, {
            logGroupName: group,
            filterName: MEMBER_SUBSCRIPTION_NAME,
            filterPattern: FILTER_PATTERN,
            destinationArn: this.destinationArn,
            distribution: 'Random',
            ...(roleArn === undefined ? {} : { roleArn }),
          }),
      );
    }
    if (this.subscriptionRole) {
      for (const subscription of [this.accountPolicy, ...this.subscriptionFilters]) {
        subscription?.node.addDependency(this.subscriptionRole);
      }
    }

    this.readRole =
      externalId === undefined ? undefined : this.createReadRole(props.centralAccount, externalId);
  }

  // Trusts exactly the central responder's role (by name, so the member stack can be deployed
  // before the central one), with the external id; grants only the reads of live verification.
  private createReadRole(centralAccount: string, externalId: string): iam.Role {
    const stack = Stack.of(this);
    const role = new iam.Role(this, 'ReadRole', {
      roleName: `${MEMBER_READ_ROLE_PREFIX}${Aws.REGION}`,
      description:
        'Read-only role the invoke-doctor central responder assumes to verify diagnoses in this account',
      maxSessionDuration: Duration.hours(1),
      assumedBy: new iam.AccountPrincipal(centralAccount).withConditions({
        StringEquals: { 'sts:ExternalId': externalId },
        ArnEquals: {
          'aws:PrincipalArn': `arn:${Aws.PARTITION}:iam::${centralAccount}:role/${CENTRAL_RESPONDER_ROLE_PREFIX}${Aws.REGION}`,
        },
      }),
    });
    const account = Aws.ACCOUNT_ID;
    const partition = Aws.PARTITION;
    const statements: [readonly string[], string[], string][] = [
      [
        MEMBER_READ_ACTIONS.lambda,
        [
          stack.formatArn({
            service: 'lambda',
            resource: 'function',
            resourceName: '*',
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        ],
        'Lambda reads on any function of this account and Region (and its versions and aliases): the failing function is only known from the log line.',
      ],
      [
        MEMBER_READ_ACTIONS.apigateway,
        [
          `arn:${partition}:apigateway:${Aws.REGION}::/restapis/*`,
          `arn:${partition}:apigateway:${Aws.REGION}::/apis/*`,
        ],
        'apigateway:GET on REST and HTTP/WebSocket APIs of this Region: stages, routes, integrations and authorizers of the failing API.',
      ],
      [
        MEMBER_READ_ACTIONS.iamRoles,
        [`arn:${partition}:iam::${account}:role/*`],
        'IAM reads on the roles of this account: the denied caller is only known from the log line.',
      ],
      [
        MEMBER_READ_ACTIONS.iamPolicies,
        [`arn:${partition}:iam::${account}:policy/*`, `arn:${partition}:iam::aws:policy/*`],
        'Managed policies attached to the caller, customer and AWS managed.',
      ],
      [
        MEMBER_READ_ACTIONS.simulate,
        [`arn:${partition}:iam::${account}:role/*`, `arn:${partition}:iam::${account}:user/*`],
        'Policy simulation of the denied caller (a role or a user of this account).',
      ],
    ];
    for (const [actions, resources, reason] of statements) {
      role.addToPolicy(new iam.PolicyStatement({ actions: [...actions], resources }));
      for (const resource of resources) {
        Validations.of(role).acknowledge({
          id: `AwsSolutions-IAM5[Resource::${nagArn(resource)}]`,
          reason,
        });
      }
    }
    role.addToPolicy(
      new iam.PolicyStatement({ actions: [...MEMBER_READ_ACTIONS.cloudtrail], resources: ['*'] }),
    );
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'cloudtrail:LookupEvents (recent changes to the function, API and caller) supports no resource-level permissions.',
    });
    return role;
  }
}

// How cdk-nag prints a resource: tokens as <AWS::Partition>, <AWS::Region>, <AWS::AccountId>.
function nagArn(resource: string): string {
  return resource
    .replaceAll(Aws.PARTITION, '<AWS::Partition>')
    .replaceAll(Aws.REGION, '<AWS::Region>')
    .replaceAll(Aws.ACCOUNT_ID, '<AWS::AccountId>');
}

function checkLogGroups(groups: readonly string[], excluded: readonly string[]): void {
  const seen = new Set<string>();
  for (const name of groups) {
    if (Token.isUnresolved(name) || !AWS_FORMATS.logGroupName.test(name)) {
      throw new Error(
        `InvokeDoctorSource: logGroupNames: expected ${AWS_FORMAT_HINTS.logGroupName}, got "${name}"`,
      );
    }
    if (excluded.includes(name)) {
      throw new Error(
        `InvokeDoctorSource: "${name}" is invoke-doctor's own log group: subscribing it would feed the responder its own output in a loop`,
      );
    }
    if (seen.has(name)) throw new Error(`InvokeDoctorSource: log group "${name}" is listed twice`);
    seen.add(name);
  }
}
