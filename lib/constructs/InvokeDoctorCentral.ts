import { ArnFormat, Aws, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { CfnDestination } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { AWS_FORMAT_HINTS, AWS_FORMATS } from '../../lambda/core/awsFormats';
import {
  CENTRAL_DESTINATION_NAME,
  CENTRAL_RESPONDER_ROLE_PREFIX,
  MEMBER_READ_ROLE_PREFIX,
} from '../../lambda/core/constants';
import { SETTINGS } from '../../lambda/core/settings';
import { InvokeDoctor, type StreamInput } from './InvokeDoctor';

/** Who may send logs to the central destination: one organisation, or listed accounts. */
export type Senders =
  | { readonly organizationId: string }
  | { readonly accountIds: readonly string[] };

/** Props of {@link InvokeDoctorCentral}. */
export interface InvokeDoctorCentralProps {
  /** Accounts admitted by the destination policy (`aws:PrincipalOrgID`, or account principals). */
  readonly senders: Senders;
  /**
   * Provisioned shards of the stream.
   * @default - on-demand capacity
   */
  readonly shards?: number | undefined;
  /**
   * How the responder consumes the stream (batch size and window, parallelization, record age).
   * @default - the settings table's defaults
   */
  readonly consumer?: Omit<StreamInput, 'stream'>;
  /**
   * Hours records stay in the stream (and can be read again after a failure).
   * @default Duration.hours(24)
   */
  readonly retention?: Duration;
  /**
   * A customer managed key for the stream's server-side encryption, when compliance asks for one
   * (it costs a KMS request per data key, for every producer and consumer).
   * @default - the AWS managed key `aws/kinesis`
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * Let the responder assume the read-only role of member accounts (`invoke-doctor-read-<region>`)
   * with this external id, for live verification.
   * @default - no access to member accounts
   */
  readonly memberReadRoleExternalId?: string | undefined;
  /** Email addresses subscribed to the alert topic. @default - none */
  readonly alarmEmails?: readonly string[];
  /** Secrets Manager secret holding the Slack webhook URL. @default - no Slack alerts */
  readonly slackWebhookSecretName?: string | undefined;
  /** Publish the chat-application format to the topic. @default false */
  readonly snsChatFormat?: boolean;
  /** Time between update notifications. @default - `SETTINGS.updateIntervalMinutes` */
  readonly updateInterval?: Duration;
  /** Quiet time that resolves an incident. @default - `SETTINGS.quietPeriodMinutes` */
  readonly quietPeriod?: Duration;
  /** Time within which a failure reopens the same incident. @default - `SETTINGS.holdWindowHours` */
  readonly holdWindow?: Duration;
  /** Least time between alerts of a recurring incident. @default - `SETTINGS.reminderIntervalHours` */
  readonly reminderInterval?: Duration;
  /** Quiet multiple of a recurring incident. @default - `SETTINGS.recurringQuietMultiplier` */
  readonly recurringQuietMultiplier?: number;
  /** Bursts before an incident is recurring. @default - `SETTINGS.recurringAfterBursts` */
  readonly recurringAfterBursts?: number;
  /** How long resolved incidents are kept. @default - `SETTINGS.resolvedTtlDays` */
  readonly resolvedRetention?: Duration;
  /** Retention of the functions' log groups. @default - `SETTINGS.logRetentionDays` */
  readonly logRetention?: logs.RetentionDays | undefined;
  /** Reserved concurrency of the responder. @default - none */
  readonly reservedConcurrentExecutions?: number | undefined;
  /** Accounts whose callers may get a runnable grant (see InvokeDoctorProps). @default - none */
  readonly trustedAccounts?: readonly string[];
  /** New incidents of one batch that get their own alert. @default - `SETTINGS.maxNewIncidentsPerDelivery` */
  readonly maxNewIncidentsPerDelivery?: number;
  /** Alerts per channel and minute. @default - `SETTINGS.maxAlertsPerChannelPerMinute` */
  readonly maxAlertsPerChannelPerMinute?: number;
}

/**
 * invoke-doctor for an organisation, one per Region: a KMS-encrypted Kinesis data stream, the
 * CloudWatch Logs destination member accounts subscribe to (its policy admits the organisation or
 * the listed accounts), the role CloudWatch Logs writes to the stream with, and an
 * {@link InvokeDoctor} whose responder consumes the stream and keys every incident by account.
 */
export class InvokeDoctorCentral extends Construct {
  /** The stream member deliveries land in. */
  readonly stream: kinesis.Stream;
  /** The customer managed key of the stream, when one was given (else `aws/kinesis`). */
  readonly key: kms.IKey | undefined;
  /** The CloudWatch Logs destination members subscribe to. */
  readonly destination: CfnDestination;
  /** `arn:<partition>:logs:<region>:<account>:destination:invoke-doctor-central`. */
  readonly destinationArn: string;
  /** Role CloudWatch Logs assumes to put member deliveries into the stream. */
  readonly logsRole: iam.Role;
  /** Responder, sweeper, incidents table, alerts, failure queue and monitoring. */
  readonly doctor: InvokeDoctor;

  constructor(scope: Construct, id: string, props: InvokeDoctorCentralProps) {
    super(scope, id);
    const stack = Stack.of(this);
    checkSenders(props.senders);
    if (
      props.shards !== undefined &&
      (!Number.isInteger(props.shards) ||
        props.shards < 1 ||
        props.shards > SETTINGS.centralShards.max)
    ) {
      throw new Error(
        `InvokeDoctorCentral: shards must be a whole number from 1 to ${SETTINGS.centralShards.max}`,
      );
    }
    const externalId = props.memberReadRoleExternalId;
    if (externalId !== undefined && !AWS_FORMATS.externalId.test(externalId)) {
      throw new Error(
        `InvokeDoctorCentral: memberReadRoleExternalId must be ${AWS_FORMAT_HINTS.externalId}`,
      );
    }

    this.key = props.encryptionKey;
    this.stream = new kinesis.Stream(this, 'Stream', {
      ...(props.shards === undefined
        ? { streamMode: kinesis.StreamMode.ON_DEMAND }
        : { streamMode: kinesis.StreamMode.PROVISIONED, shardCount: props.shards }),
      ...(this.key === undefined
        ? { encryption: kinesis.StreamEncryption.MANAGED }
        : { encryption: kinesis.StreamEncryption.KMS, encryptionKey: this.key }),
      retentionPeriod: props.retention ?? Duration.hours(24),
      // Records are transient (a day by default); a retained stream would keep billing by the hour.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    if (this.key !== undefined) {
      Validations.of(this.stream).acknowledge({
        id: 'AwsSolutions-KDS3',
        reason:
          'A customer managed key was asked for (encryptionKey); its KMS requests per producer and consumer are accepted.',
      });
    }

    this.doctor = new InvokeDoctor(this, 'Doctor', {
      stream: { ...props.consumer, stream: this.stream },
      responderRoleName: `${CENTRAL_RESPONDER_ROLE_PREFIX}${Aws.REGION}`,
      ...(props.alarmEmails ? { alarmEmails: props.alarmEmails } : {}),
      slackWebhookSecretName: props.slackWebhookSecretName,
      ...(props.snsChatFormat === undefined ? {} : { snsChatFormat: props.snsChatFormat }),
      ...(props.updateInterval ? { updateInterval: props.updateInterval } : {}),
      ...(props.quietPeriod ? { quietPeriod: props.quietPeriod } : {}),
      ...(props.holdWindow ? { holdWindow: props.holdWindow } : {}),
      ...(props.reminderInterval ? { reminderInterval: props.reminderInterval } : {}),
      ...(props.recurringQuietMultiplier === undefined
        ? {}
        : { recurringQuietMultiplier: props.recurringQuietMultiplier }),
      ...(props.recurringAfterBursts === undefined
        ? {}
        : { recurringAfterBursts: props.recurringAfterBursts }),
      ...(props.resolvedRetention ? { resolvedRetention: props.resolvedRetention } : {}),
      logRetention: props.logRetention,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      // Member accounts' functions and APIs are not readable from this account: verifying against
      // the central account would only ever answer `unverifiable`, so the central responder does
      // not verify (docs/organisation.md).
      verify: false,
      ...(props.trustedAccounts ? { trustedAccounts: props.trustedAccounts } : {}),
      ...(props.maxNewIncidentsPerDelivery === undefined
        ? {}
        : { maxNewIncidentsPerDelivery: props.maxNewIncidentsPerDelivery }),
      ...(props.maxAlertsPerChannelPerMinute === undefined
        ? {}
        : { maxAlertsPerChannelPerMinute: props.maxAlertsPerChannelPerMinute }),
      // The organisation that may send logs is the one whose callers may get a grant limited to it.
      ...('organizationId' in props.senders
        ? { trustedOrganizationId: props.senders.organizationId }
        : {}),
    });

    this.destinationArn = stack.formatArn({
      service: 'logs',
      resource: 'destination',
      resourceName: CENTRAL_DESTINATION_NAME,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });

    // Confused-deputy guard the CloudWatch Logs guide recommends: the role may be assumed for log
    // data of the sending accounts and this one only (any account of the Region when admitting an
    // organisation, whose accounts are not known here).
    const sourceAccounts =
      'accountIds' in props.senders ? [...props.senders.accountIds, stack.account] : ['*'];
    this.logsRole = new iam.Role(this, 'LogsRole', {
      description:
        'CloudWatch Logs puts member accounts log records into the invoke-doctor central stream',
      assumedBy: new iam.ServicePrincipal('logs.amazonaws.com').withConditions({
        StringLike: {
          'aws:SourceArn': sourceAccounts.map(
            (account) => `arn:${Aws.PARTITION}:logs:${Aws.REGION}:${account}:*`,
          ),
        },
      }),
    });
    // The permissions policy of the CloudWatch Logs guide ("Create a destination"): PutRecord on
    // the stream and PassRole on this role; plus a customer managed stream key, which a producer
    // needs under server-side encryption (the AWS managed key needs no grant).
    this.logsRole.addToPolicy(
      new iam.PolicyStatement({
        actions: ['kinesis:PutRecord'],
        resources: [this.stream.streamArn],
      }),
    );
    this.logsRole.addToPolicy(
      new iam.PolicyStatement({
        actions: ['iam:PassRole'],
        resources: [this.logsRole.roleArn],
      }),
    );
    if (this.key !== undefined) {
      this.logsRole.addToPolicy(
        new iam.PolicyStatement({
          actions: ['kms:GenerateDataKey'],
          resources: [this.key.keyArn],
        }),
      );
    }

    this.destination = new CfnDestination(this, 'Destination', {
      destinationName: CENTRAL_DESTINATION_NAME,
      roleArn: this.logsRole.roleArn,
      targetArn: this.stream.streamArn,
      destinationPolicy: stack.toJsonString(destinationPolicy(props.senders, this.destinationArn)),
    });
    // CloudWatch Logs test-writes to the stream when the destination is created.
    this.destination.node.addDependency(this.logsRole);

    if (externalId !== undefined) this.allowMemberReads(props.senders, externalId);
  }

  // The responder may assume the read role in member accounts: by exact ARN for listed accounts,
  // by name within the organisation otherwise.
  private allowMemberReads(senders: Senders, externalId: string): void {
    const roleName = `${MEMBER_READ_ROLE_PREFIX}${Aws.REGION}`;
    const responder = this.doctor.responder;
    const environment = SETTINGS.centralExternalId.env;
    responder.addEnvironment(environment, externalId);
    if ('accountIds' in senders) {
      responder.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ['sts:AssumeRole'],
          resources: senders.accountIds.map(
            (account) => `arn:${Aws.PARTITION}:iam::${account}:role/${roleName}`,
          ),
        }),
      );
      return;
    }
    responder.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['sts:AssumeRole'],
        resources: [`arn:${Aws.PARTITION}:iam::*:role/${roleName}`],
        conditions: { StringEquals: { 'aws:ResourceOrgID': senders.organizationId } },
      }),
    );
    Validations.of(responder.role as iam.Role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iam::*:role/${MEMBER_READ_ROLE_PREFIX}<AWS::Region>]`,
      reason:
        'sts:AssumeRole on the read-only role of every member account: the accounts of an organisation are not known at synth, so aws:ResourceOrgID limits the roles to the organisation and the role name to invoke-doctor’s own.',
    });
  }
}

/**
 * The destination's access policy (CloudWatch Logs User Guide, "Create a destination" and the
 * account-level variant): `logs:PutSubscriptionFilter` for per-group filters and
 * `logs:PutAccountPolicy` for account-level subscription filter policies, for the organisation
 * (`aws:PrincipalOrgID`) or for each listed account.
 */
export function destinationPolicy(senders: Senders, destinationArn: string): unknown {
  const actions = ['logs:PutSubscriptionFilter', 'logs:PutAccountPolicy'];
  const statement =
    'organizationId' in senders
      ? {
          Sid: 'InvokeDoctorOrganization',
          Effect: 'Allow',
          Principal: '*',
          Action: actions,
          Resource: destinationArn,
          Condition: { StringEquals: { 'aws:PrincipalOrgID': [senders.organizationId] } },
        }
      : {
          Sid: 'InvokeDoctorAccounts',
          Effect: 'Allow',
          Principal: { AWS: [...senders.accountIds] },
          Action: actions,
          Resource: destinationArn,
        };
  return { Version: '2012-10-17', Statement: [statement] };
}

function checkSenders(senders: Senders): void {
  if ('organizationId' in senders) {
    if (!AWS_FORMATS.organizationId.test(senders.organizationId)) {
      throw new Error(
        `InvokeDoctorCentral: senders.organizationId must be ${AWS_FORMAT_HINTS.organizationId}`,
      );
    }
    return;
  }
  if (senders.accountIds.length === 0) {
    throw new Error('InvokeDoctorCentral: senders.accountIds lists no account');
  }
  for (const id of senders.accountIds) {
    if (!AWS_FORMATS.accountId.test(id)) {
      throw new Error(
        `InvokeDoctorCentral: senders.accountIds: "${id}" is not a 12-digit account id`,
      );
    }
  }
}
