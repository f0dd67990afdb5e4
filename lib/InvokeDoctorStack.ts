import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { ConfigError } from '../lambda/core/errors';
import { type InvokeDoctorConfig, logGroupTargets } from './config';
import { InvokeDoctor } from './constructs/InvokeDoctor';

/** Props of {@link InvokeDoctorStack}. */
export interface InvokeDoctorStackProps extends StackProps {
  /** Validated configuration (see lib/config.ts). */
  readonly config: InvokeDoctorConfig;
}

/**
 * The deployable app stack: one {@link InvokeDoctor} configured from the `invoke-doctor` context
 * key, plus outputs the CLI reads (`IncidentsTableName` above all). Environment-agnostic: the
 * account and Region come from the deploying credentials.
 */
export class InvokeDoctorStack extends Stack {
  /** The construct holding every resource. */
  readonly doctor: InvokeDoctor;

  constructor(scope: Construct, id: string, props: InvokeDoctorStackProps) {
    const { config, ...stackProps } = props;
    super(scope, id, {
      description:
        'invoke-doctor: diagnoses Lambda invoke permission failures from CloudWatch Logs and alerts once per outage',
      ...stackProps,
    });
    this.doctor = new InvokeDoctor(this, 'Doctor', {
      accountWide: config.accountWide,
      alarmEmails: config.alarmEmails,
      slackWebhookSecretName: config.slackWebhookSecretName,
      snsChatFormat: config.snsChatFormat,
      contextLookup: config.contextLookup,
      verify: config.verify,
      reverifyInterval: Duration.minutes(config.incidents.reverifyIntervalMinutes),
      trustedAccounts: config.trustedAccounts,
      trustedOrganizationId: config.trustedOrganizationId,
      maxNewIncidentsPerDelivery: config.incidents.maxNewPerDelivery,
      maxAlertsPerChannelPerMinute: config.incidents.maxAlertsPerChannelPerMinute,
      updateInterval: Duration.minutes(config.incidents.updateIntervalMinutes),
      quietPeriod: Duration.minutes(config.incidents.quietPeriodMinutes),
      holdWindow: Duration.hours(config.incidents.holdWindowHours),
      reminderInterval: Duration.hours(config.incidents.reminderIntervalHours),
      recurringQuietMultiplier: config.incidents.recurringQuietMultiplier,
      recurringAfterBursts: config.incidents.recurringAfterBursts,
      resolvedRetention: Duration.days(config.incidents.resolvedTtlDays),
      logRetention: config.logRetentionDays as logs.RetentionDays,
      reservedConcurrentExecutions: config.reservedConcurrency,
    });
    // The construct owns the rules (own log groups, limits); the config names the field at fault.
    for (const target of logGroupTargets(config)) {
      try {
        this.doctor.watchLogGroup(target.logGroupName);
      } catch (cause) {
        throw new ConfigError(target.field, (cause as Error).message, { cause });
      }
    }

    new CfnOutput(this, 'IncidentsTableName', {
      description: 'DynamoDB incidents table (invoke-doctor incidents reads it)',
      value: this.doctor.table.tableName,
    });
    new CfnOutput(this, 'AlertTopicArn', {
      description: 'SNS alert topic',
      value: this.doctor.alerts.topic.topicArn,
    });
    new CfnOutput(this, 'ResponderFunctionName', {
      description: 'Log subscription responder function',
      value: this.doctor.responder.functionName,
    });
    new CfnOutput(this, 'SweeperFunctionName', {
      description: 'Scheduled sweeper function',
      value: this.doctor.sweeper.functionName,
    });
    new CfnOutput(this, 'FailureQueueUrl', {
      description: 'SQS queue keeping failed invocations and undeliverable emails (14 days)',
      value: this.doctor.failureQueue.queueUrl,
    });
  }
}
