import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { METRIC, METRICS_NAMESPACE, SERVICE_NAME } from '../../lambda/core/metrics';

/** Props of {@link Monitoring}. */
export interface MonitoringProps {
  /** The log-subscription responder. */
  readonly responder: lambda.IFunction;
  /** The scheduled sweeper. */
  readonly sweeper: lambda.IFunction;
  /** Where failed invocations are kept. */
  readonly failureQueue: sqs.IQueue;
  /** Topic every alarm notifies (on ALARM and back to OK). */
  readonly topic: sns.ITopic;
  /**
   * The responder reads a Kinesis stream (the organisation's central responder): alarm on its
   * iterator age instead of describing asynchronous retries.
   * @default false
   */
  readonly streamConsumer?: boolean;
}

/** Iterator age at which the stream responder is considered to be falling behind. */
export const ITERATOR_AGE_ALARM = Duration.minutes(5);

const PERIOD = Duration.minutes(5);

// A handler metric (EMF): Powertools adds the `service` dimension to every one.
function emf(metricName: string): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: METRICS_NAMESPACE,
    metricName,
    dimensionsMap: { service: SERVICE_NAME },
    period: PERIOD,
    statistic: cloudwatch.Stats.SUM,
  });
}

/**
 * Alarms on what would make invoke-doctor miss an outage (handler errors and throttles, failed
 * invocations waiting in the failure queue, sweeper errors, alerts that could not be delivered) and
 * a dashboard of what it saw.
 */
export class Monitoring extends Construct {
  /** All alarms, in dashboard order. */
  readonly alarms: cloudwatch.Alarm[];
  /** The CloudWatch dashboard. */
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const { responder, sweeper, failureQueue, topic } = props;
    const sum = { period: PERIOD, statistic: cloudwatch.Stats.SUM };
    const notificationsFailed = emf(METRIC.notificationsFailed);
    const stream = props.streamConsumer === true;

    this.alarms = [
      this.alarm('ResponderErrors', responder.metricErrors(sum), {
        description: stream
          ? 'The invoke-doctor central responder failed on a whole stream batch. Lambda retries it (bisecting), then puts the shard and sequence numbers in the failure queue; check the responder log group for the error.'
          : 'The invoke-doctor responder failed on a log delivery. Lambda retries it twice, then keeps it in the failure queue; check the responder log group for the error.',
      }),
      ...(stream
        ? [
            this.alarm(
              'ResponderIteratorAge',
              new cloudwatch.Metric({
                namespace: 'AWS/Lambda',
                metricName: 'IteratorAge',
                dimensionsMap: { FunctionName: responder.functionName },
                period: PERIOD,
                statistic: cloudwatch.Stats.MAXIMUM,
              }),
              {
                description: `The invoke-doctor central responder is more than ${ITERATOR_AGE_ALARM.toMinutes()} minutes behind the stream: alerts are late. Check its errors and throttles, then raise central.parallelizationFactor or the shard count.`,
                threshold: ITERATOR_AGE_ALARM.toMilliseconds(),
                evaluationPeriods: 2,
              },
            ),
          ]
        : []),
      this.alarm('ResponderThrottles', responder.metricThrottles(sum), {
        description: stream
          ? 'The invoke-doctor central responder was throttled. Records wait in the stream (its iterator age grows); raise its concurrency if this repeats.'
          : 'The invoke-doctor responder was throttled. Deliveries wait in the Lambda async queue (up to the maximum event age, then the failure queue); raise its concurrency if this repeats.',
      }),
      this.alarm(
        'FailureQueueNotEmpty',
        failureQueue.metricApproximateNumberOfMessagesVisible({
          period: PERIOD,
          statistic: cloudwatch.Stats.MAXIMUM,
        }),
        {
          description: stream
            ? 'Stream records the invoke-doctor central responder could not process are listed in the failure queue (shard and sequence numbers). Read them from the stream within its retention and replay them with `invoke-doctor replay` after fixing the cause.'
            : 'Failed invocations are waiting in the invoke-doctor failure queue. Each message carries the request payload and the error; replay the log deliveries with `invoke-doctor replay` after fixing the cause.',
        },
      ),
      this.alarm('SweeperErrors', sweeper.metricErrors(sum), {
        description:
          'The invoke-doctor sweeper failed: incidents may stay open and pending notifications unsent until it succeeds again (it runs every minute).',
      }),
      this.alarm('NotificationsFailed', notificationsFailed, {
        description:
          'invoke-doctor could not deliver an alert (Slack or SNS) after retries; it is stored as pending and the sweeper keeps retrying. Check the webhook secret and the topic.',
      }),
      this.alarm('NotificationsAbandoned', emf(METRIC.notificationsAbandoned), {
        description:
          'invoke-doctor gave up sending an alert to a channel: the channel refused it for good (a deleted topic, a revoked webhook: 4xx) or it failed every allowed attempt. That channel misses alerts until it is fixed; the incidents are stored (invoke-doctor incidents).',
      }),
    ];
    for (const alarm of this.alarms) {
      alarm.addAlarmAction(new actions.SnsAction(topic));
      alarm.addOkAction(new actions.SnsAction(topic));
    }

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      defaultInterval: Duration.days(1),
    });
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Diagnoses by kind',
        left: [
          new cloudwatch.MathExpression({
            // One series per `kind`, whatever kinds the engine adds later.
            expression: `SEARCH('{${METRICS_NAMESPACE},kind,service} MetricName="${METRIC.diagnoses}" service="${SERVICE_NAME}"', 'Sum', ${PERIOD.toSeconds()})`,
            label: '',
            period: PERIOD,
          }),
        ],
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Events scanned, lookups, bad payloads',
        left: [emf(METRIC.eventsScanned)],
        right: [emf(METRIC.lookups), emf(METRIC.badPayloads)],
        width: 12,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Incidents',
        left: [
          emf(METRIC.incidentsOpened),
          emf(METRIC.incidentsResolved),
          notificationsFailed,
          emf(METRIC.notificationsAbandoned),
          emf(METRIC.alertsHeld),
        ],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Errors and throttles',
        left: [
          responder.metricErrors({ ...sum, label: 'Responder errors' }),
          responder.metricThrottles({ ...sum, label: 'Responder throttles' }),
          sweeper.metricErrors({ ...sum, label: 'Sweeper errors' }),
        ],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Responder duration',
        left: [cloudwatch.Stats.p(50), cloudwatch.Stats.p(99), cloudwatch.Stats.MAXIMUM].map(
          (statistic) =>
            responder.metricDuration({ period: PERIOD, statistic, label: `Duration ${statistic}` }),
        ),
        width: 8,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Failure queue depth',
        left: [
          failureQueue.metricApproximateNumberOfMessagesVisible({
            period: PERIOD,
            statistic: cloudwatch.Stats.MAXIMUM,
          }),
        ],
        width: 8,
      }),
      new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 16 }),
    );
  }

  private alarm(
    id: string,
    metric: cloudwatch.IMetric,
    options: {
      readonly description: string;
      readonly threshold?: number;
      readonly evaluationPeriods?: number;
    },
  ): cloudwatch.Alarm {
    return new cloudwatch.Alarm(this, id, {
      metric,
      threshold: options.threshold ?? 1,
      evaluationPeriods: options.evaluationPeriods ?? 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      // No data means nothing happened: not an error.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: options.description,
    });
  }
}
