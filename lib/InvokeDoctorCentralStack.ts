import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { InvokeDoctorConfig } from './config';
import { InvokeDoctorCentral } from './constructs/InvokeDoctorCentral';

/** Props of {@link InvokeDoctorCentralStack}. */
export interface InvokeDoctorCentralStackProps extends StackProps {
  /** Validated configuration with its `central` object (see lib/config.ts). */
  readonly config: InvokeDoctorConfig & {
    readonly central: NonNullable<InvokeDoctorConfig['central']>;
  };
}

/**
 * The organisation's central stack, one per Region: {@link InvokeDoctorCentral} configured from the
 * `central` object of the `invoke-doctor` context key and the alert and incident settings shared with
 * the single-account stack, plus the outputs member stacks and the CLI use.
 */
export class InvokeDoctorCentralStack extends Stack {
  /** The construct holding every resource. */
  readonly central: InvokeDoctorCentral;

  constructor(scope: Construct, id: string, props: InvokeDoctorCentralStackProps) {
    const { config, ...stackProps } = props;
    super(scope, id, {
      description:
        'invoke-doctor central: diagnoses Lambda invoke permission failures of many accounts from a Kinesis stream of their CloudWatch Logs',
      ...stackProps,
    });
    const c = config.central;
    this.central = new InvokeDoctorCentral(this, 'Central', {
      senders:
        c.organizationId !== undefined
          ? { organizationId: c.organizationId }
          : { accountIds: c.accountIds },
      shards: c.shards,
      consumer: {
        batchSize: c.batchSize,
        maxBatchingWindow: Duration.seconds(c.batchWindowSeconds),
        parallelizationFactor: c.parallelizationFactor,
        maxRecordAge: Duration.hours(c.maxRecordAgeHours),
      },
      memberReadRoleExternalId: c.readRole ? c.externalId : undefined,
      alarmEmails: config.alarmEmails,
      slackWebhookSecretName: config.slackWebhookSecretName,
      snsChatFormat: config.snsChatFormat,
      updateInterval: Duration.minutes(config.incidents.updateIntervalMinutes),
      quietPeriod: Duration.minutes(config.incidents.quietPeriodMinutes),
      holdWindow: Duration.hours(config.incidents.holdWindowHours),
      reminderInterval: Duration.hours(config.incidents.reminderIntervalHours),
      recurringQuietMultiplier: config.incidents.recurringQuietMultiplier,
      recurringAfterBursts: config.incidents.recurringAfterBursts,
      resolvedRetention: Duration.days(config.incidents.resolvedTtlDays),
      logRetention: config.logRetentionDays as logs.RetentionDays,
      reservedConcurrentExecutions: config.reservedConcurrency,
      trustedAccounts: config.trustedAccounts,
      maxNewIncidentsPerDelivery: config.incidents.maxNewPerDelivery,
      maxAlertsPerChannelPerMinute: config.incidents.maxAlertsPerChannelPerMinute,
    });
    const doctor = this.central.doctor;

    new CfnOutput(this, 'DestinationArn', {
      description: 'CloudWatch Logs destination member accounts subscribe to',
      value: this.central.destinationArn,
    });
    new CfnOutput(this, 'StreamName', {
      description: 'Kinesis stream of member accounts log records',
      value: this.central.stream.streamName,
    });
    new CfnOutput(this, 'IncidentsTableName', {
      description: 'DynamoDB incidents table (invoke-doctor incidents --stack reads it)',
      value: doctor.table.tableName,
    });
    new CfnOutput(this, 'AlertTopicArn', {
      description: 'SNS alert topic',
      value: doctor.alerts.topic.topicArn,
    });
    new CfnOutput(this, 'ResponderFunctionName', {
      description: 'Stream responder function',
      value: doctor.responder.functionName,
    });
    new CfnOutput(this, 'FailureQueueUrl', {
      description:
        'SQS queue keeping records the responder could not process (shard and sequence numbers)',
      value: doctor.failureQueue.queueUrl,
    });
  }
}
