import { ArnFormat, Duration, Stack, Token, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { AWS_FORMAT_HINTS, AWS_FORMATS } from '../../lambda/core/awsFormats';
import { FILTER_PATTERN, ownLogGroupNames } from '../../lambda/core/constants';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../../lambda/core/metrics';
import { SETTINGS } from '../../lambda/core/settings';
import { constructIdFor } from '../constructIdFor';
import { runtimeEnvironment } from '../runtimeEnvironment';
import { AlertTopic } from './AlertTopic';
import { IncidentsTable } from './IncidentsTable';
import { InvokeDoctorFunction } from './InvokeDoctorFunction';
import { Monitoring } from './Monitoring';

/**
 * Most log groups one responder can watch with per-group subscriptions: each adds a statement of
 * roughly 400 bytes to the function's resource policy, which Lambda caps at 20 KB.
 */
export const MAX_WATCHED_LOG_GROUPS = 30;

/** Retries of a failing stream batch before its records go to the failure queue. */
export const STREAM_RETRY_ATTEMPTS = 3;

/** How the responder consumes a Kinesis stream of CloudWatch Logs records (see `stream`). */
export interface StreamInput {
  /** The stream member accounts' subscriptions write to (through a CloudWatch Logs destination). */
  readonly stream: kinesis.IStream;
  /**
   * Most records per invocation.
   * @default - `SETTINGS.centralBatchSize` (docs/configuration.md)
   */
  readonly batchSize?: number;
  /**
   * Longest the event source mapping gathers records before invoking.
   * @default - `SETTINGS.centralBatchWindowSeconds` (docs/configuration.md)
   */
  readonly maxBatchingWindow?: Duration;
  /**
   * Concurrent invocations per shard.
   * @default - `SETTINGS.centralParallelizationFactor` (docs/configuration.md)
   */
  readonly parallelizationFactor?: number;
  /**
   * Age after which a failing record goes to the failure queue instead of being retried.
   * @default - `SETTINGS.centralMaxRecordAgeHours` (docs/configuration.md)
   */
  readonly maxRecordAge?: Duration;
  /**
   * Retries of a failing batch (bisected each time) before its records go to the failure queue.
   * @default STREAM_RETRY_ATTEMPTS
   */
  readonly retryAttempts?: number;
}

/** Props of {@link InvokeDoctor}. */
export interface InvokeDoctorProps {
  /**
   * Read CloudWatch Logs records of many accounts from a Kinesis stream instead of subscribing log
   * groups of this account: the responder runs the stream handler behind an event source mapping
   * (partial batch responses, bisection, retry limit and maximum record age, the failure queue as
   * on-failure destination) and keys every incident by account. Cannot be combined with
   * `accountWide`, `logGroupNames`, `watchLogGroup()` or `contextLookup` (the responder cannot
   * read member accounts' log groups).
   * @default - log subscriptions in this account
   */
  readonly stream?: StreamInput;
  /**
   * Fixed name of the responder's execution role, for roles in other accounts that trust it.
   * @default - a generated name
   */
  readonly responderRoleName?: string;
  /**
   * Subscribe every log group of the account and Region through one account-level subscription
   * filter policy (`AWS::Logs::AccountPolicy`) instead of per-group subscription filters. The
   * responder's and sweeper's own log groups are excluded automatically. Cannot be combined with
   * `logGroupNames` or `watchLogGroup()`.
   * @default false
   */
  readonly accountWide?: boolean;
  /**
   * Log groups to subscribe from the start (more with `watchLogGroup()`).
   * @default - none
   */
  readonly logGroupNames?: readonly string[];
  /**
   * Email addresses subscribed to the alert topic.
   * @default - none
   */
  readonly alarmEmails?: readonly string[];
  /**
   * Name of an existing Secrets Manager secret whose value is the Slack incoming-webhook URL. The
   * functions may read exactly that secret; the URL never appears in the template or environment.
   * @default - no Slack alerts
   */
  readonly slackWebhookSecretName?: string | undefined;
  /**
   * Publish the Amazon Q Developer in chat applications custom-notification format to the topic.
   * @default false
   */
  readonly snsChatFormat?: boolean;
  /**
   * Let the responder fetch missing API Gateway request context with `logs:FilterLogEvents` on the
   * watched log groups. When false the function gets no read access to any log group.
   * @default true
   */
  readonly contextLookup?: boolean;
  /**
   * Check each new incident against the live account with read-only calls (Lambda resource
   * policies and configuration, API Gateway stages, routes, integrations and authorizers, IAM
   * roles' and users' policies, CloudTrail event history) and put the root cause in its alert; the
   * sweeper re-checks open incidents and posts FIXED. Grants the read-only actions of
   * docs/permissions.md to both functions.
   * @default true
   */
  readonly verify?: boolean;
  /**
   * Time between the sweeper's re-checks of an open incident (whole minutes, 1 to 1440).
   * @default - `SETTINGS.reverifyIntervalMinutes` (docs/configuration.md)
   */
  readonly reverifyInterval?: Duration;
  /**
   * Accounts whose callers may be offered a runnable grant, besides the function's own account and
   * the account owning the log group. A caller from any other account gets a statement to review.
   * @default - none
   */
  readonly trustedAccounts?: readonly string[];
  /**
   * AWS Organizations id: callers from accounts not listed get a grant limited to the organization
   * (`--principal-org-id`) instead of none.
   * @default - none
   */
  readonly trustedOrganizationId?: string | undefined;
  /**
   * New incidents one delivery may alert on; beyond it incidents are stored and announced in one
   * aggregated alert (1 to 1000).
   * @default - `SETTINGS.maxNewIncidentsPerDelivery` (docs/configuration.md)
   */
  readonly maxNewIncidentsPerDelivery?: number;
  /**
   * Alerts one channel gets per minute; the rest are held and summed up in one aggregated alert
   * (1 to 1000).
   * @default - `SETTINGS.maxAlertsPerChannelPerMinute` (docs/configuration.md)
   */
  readonly maxAlertsPerChannelPerMinute?: number;
  /**
   * Time between update notifications while an incident continues (whole minutes, 1 to 1440).
   * @default - `SETTINGS.updateIntervalMinutes` (docs/configuration.md)
   */
  readonly updateInterval?: Duration;
  /**
   * Time without occurrences after which the sweeper resolves an incident (whole minutes, 1 to 1440).
   * @default - `SETTINGS.quietPeriodMinutes` (docs/configuration.md)
   */
  readonly quietPeriod?: Duration;
  /**
   * A failure that comes back within this time of the last one reopens the same incident; also the
   * longest an incident stays open without failures (whole hours, 1 to 168).
   * @default - `SETTINGS.holdWindowHours` (docs/configuration.md)
   */
  readonly holdWindow?: Duration;
  /**
   * Least time between two alerts about a recurring incident that keeps failing (whole hours, 1 to
   * 168).
   * @default - `SETTINGS.reminderIntervalHours` (docs/configuration.md)
   */
  readonly reminderInterval?: Duration;
  /**
   * A recurring incident resolves after this many times its longest recent interval without
   * failures (1 to 10).
   * @default - `SETTINGS.recurringQuietMultiplier` (docs/configuration.md)
   */
  readonly recurringQuietMultiplier?: number;
  /**
   * Bursts of failures after which an open incident is announced as recurring (2 to 10).
   * @default - `SETTINGS.recurringAfterBursts` (docs/configuration.md)
   */
  readonly recurringAfterBursts?: number;
  /**
   * How long a resolved incident is kept before DynamoDB TTL removes it (whole days, 1 to 3650).
   * @default - `SETTINGS.resolvedTtlDays` (docs/configuration.md)
   */
  readonly resolvedRetention?: Duration;
  /**
   * Retention of the responder's and sweeper's log groups.
   * @default - `SETTINGS.logRetentionDays` (docs/configuration.md)
   */
  readonly logRetention?: logs.RetentionDays | undefined;
  /**
   * Reserved concurrency of the responder. CloudWatch Logs invokes it asynchronously, so a throttled
   * delivery waits in Lambda's async queue instead of being lost; a cap protects the 5 requests/s
   * FilterLogEvents quota during a storm but fails to deploy in accounts with the minimum
   * concurrency quota (10), hence no default.
   * @default - none (unreserved)
   */
  readonly reservedConcurrentExecutions?: number | undefined;
}

// Names derive from the stack name, so a second InvokeDoctor in one stack would collide.
const stacksWithDoctor = new WeakSet<Stack>();

/**
 * invoke-doctor as one construct: the responder function subscribed to log groups (per group or
 * account-wide), the incident table, the sweeper on a one-minute schedule, the alert topic, the
 * failure queue, alarms and a dashboard, all least privilege.
 */
export class InvokeDoctor extends Construct {
  /** Handles the log deliveries. */
  readonly responder: InvokeDoctorFunction;
  /** Resolves quiet incidents and retries pending notifications, every minute. */
  readonly sweeper: InvokeDoctorFunction;
  /** The incident store. */
  readonly table: IncidentsTable;
  /** Alert topic and its key. */
  readonly alerts: AlertTopic;
  /** Failed invocations (responder and sweeper) and undeliverable emails, kept 14 days. */
  readonly failureQueue: sqs.Queue;
  /** Alarms and dashboard. */
  readonly monitoring: Monitoring;
  /** Log groups invoke-doctor writes to itself; subscribing them would loop. */
  readonly ownLogGroupNames: readonly string[];
  /** True when one account-level policy subscribes every log group. */
  readonly accountWide: boolean;
  /** The stream the responder consumes, when it serves an organisation (`stream` prop). */
  readonly stream: kinesis.IStream | undefined;

  private readonly watched = new Set<string>();
  private readonly contextLookup: boolean;
  private readonly qualifier: string;
  private lookupStatement: iam.PolicyStatement | undefined;

  constructor(scope: Construct, id: string, props: InvokeDoctorProps = {}) {
    super(scope, id);
    const stack = Stack.of(this);
    if (stacksWithDoctor.has(stack)) {
      throw new Error(
        `InvokeDoctor: stack ${stack.node.path} already has one; its resource names derive from the stack name, so use one per stack`,
      );
    }
    stacksWithDoctor.add(stack);
    if (Token.isUnresolved(stack.stackName)) {
      throw new Error('InvokeDoctor: the stack name must be a literal (it names the log groups)');
    }
    this.accountWide = props.accountWide ?? SETTINGS.accountWide.default;
    this.stream = props.stream?.stream;
    this.contextLookup =
      props.contextLookup ?? (this.stream ? false : SETTINGS.contextLookup.default);
    this.qualifier = `invoke-doctor-${stack.stackName}`;
    if (this.accountWide && (props.logGroupNames?.length ?? 0) > 0) {
      throw new Error(
        'InvokeDoctor: accountWide already subscribes every log group; remove logGroupNames or set accountWide to false',
      );
    }
    if (this.stream) {
      const conflict = this.accountWide
        ? 'accountWide'
        : (props.logGroupNames?.length ?? 0) > 0
          ? 'logGroupNames'
          : this.contextLookup
            ? 'contextLookup'
            : null;
      if (conflict !== null) {
        throw new Error(
          `InvokeDoctor: stream reads other accounts' logs; ${conflict} applies to log groups of this account only`,
        );
      }
    }
    const updateMinutes = wholeUnits(
      props.updateInterval,
      SETTINGS.updateIntervalMinutes,
      'updateInterval',
    );
    const quietMinutes = wholeUnits(props.quietPeriod, SETTINGS.quietPeriodMinutes, 'quietPeriod');
    const verify = props.verify ?? SETTINGS.verify.default;
    const reverifyMinutes = wholeUnits(
      props.reverifyInterval,
      SETTINGS.reverifyIntervalMinutes,
      'reverifyInterval',
    );
    const holdHours = wholeUnits(props.holdWindow, SETTINGS.holdWindowHours, 'holdWindow');
    const reminderHours = wholeUnits(
      props.reminderInterval,
      SETTINGS.reminderIntervalHours,
      'reminderInterval',
    );
    const quietMultiplier = boundedInteger(
      props.recurringQuietMultiplier,
      SETTINGS.recurringQuietMultiplier,
      'recurringQuietMultiplier',
    );
    const recurringAfter = boundedInteger(
      props.recurringAfterBursts,
      SETTINGS.recurringAfterBursts,
      'recurringAfterBursts',
    );
    const ttlDays = wholeUnits(
      props.resolvedRetention,
      SETTINGS.resolvedTtlDays,
      'resolvedRetention',
    );
    const trustedAccounts = props.trustedAccounts ?? SETTINGS.trustedAccounts.default;
    for (const account of trustedAccounts) {
      if (!AWS_FORMATS.accountId.test(account)) {
        throw new Error(
          `InvokeDoctor: trustedAccounts must be 12-digit account ids, got "${account}"`,
        );
      }
    }
    const organizationId = props.trustedOrganizationId;
    if (organizationId !== undefined && !AWS_FORMATS.organizationId.test(organizationId)) {
      throw new Error(
        `InvokeDoctor: trustedOrganizationId must be an organization id (o-...), got "${organizationId}"`,
      );
    }
    const maxNew = boundedInteger(
      props.maxNewIncidentsPerDelivery,
      SETTINGS.maxNewIncidentsPerDelivery,
      'maxNewIncidentsPerDelivery',
    );
    const maxAlerts = boundedInteger(
      props.maxAlertsPerChannelPerMinute,
      SETTINGS.maxAlertsPerChannelPerMinute,
      'maxAlertsPerChannelPerMinute',
    );
    const secretName = props.slackWebhookSecretName;
    if (secretName !== undefined && !AWS_FORMATS.secretName.test(secretName)) {
      throw new Error(
        `InvokeDoctor: slackWebhookSecretName must be ${AWS_FORMAT_HINTS.secretName}, got "${secretName}"`,
      );
    }

    this.ownLogGroupNames = ownLogGroupNames(stack.stackName);

    this.failureQueue = new sqs.Queue(this, 'FailureQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.failureQueue).acknowledge(
      {
        id: 'AwsSolutions-SQS3',
        reason:
          'This queue is the dead-letter store itself (Lambda on-failure destination, EventBridge target DLQ, SNS email DLQ); a queue behind it would only move the same messages.',
      },
      {
        id: 'Serverless-SQSRedrivePolicy',
        reason:
          'This queue is the dead-letter store itself; nothing consumes it automatically, so there is nothing to redrive. An alarm fires on its first message.',
      },
    );

    this.table = new IncidentsTable(this, 'Incidents');
    this.alerts = new AlertTopic(this, 'Alerts', {
      emails: props.alarmEmails,
      deadLetterQueue: this.failureQueue,
    });

    const environment: Record<string, string> = {
      ...runtimeEnvironment({
        incidentsTableName: this.table.tableName,
        alertTopicArn: this.alerts.topic.topicArn,
        chatFormat: props.snsChatFormat ?? SETTINGS.chatFormat.default,
        updateIntervalMinutes: updateMinutes,
        quietPeriodMinutes: quietMinutes,
        holdWindowHours: holdHours,
        reminderIntervalHours: reminderHours,
        recurringQuietMultiplier: quietMultiplier,
        recurringAfterBursts: recurringAfter,
        resolvedTtlDays: ttlDays,
        contextLookup: this.contextLookup,
        verify,
        reverifyIntervalMinutes: reverifyMinutes,
        // The secret's NAME only; the functions read the URL at runtime.
        slackWebhookSecretId: secretName ?? null,
        trustedAccounts,
        trustedOrganizationId: organizationId ?? null,
        maxNewIncidentsPerDelivery: maxNew,
        maxAlertsPerChannelPerMinute: maxAlerts,
        // Set by InvokeDoctorCentral on its responder when members have a read role.
        centralExternalId: null,
      }),
      POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
      POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
    };
    const onFailure = new destinations.SqsDestination(this.failureQueue);

    this.responder = new InvokeDoctorFunction(this, 'Responder', {
      ...(this.stream
        ? {
            handlerPath: 'lambda/handlers/kinesisStream.ts',
            description:
              "invoke-doctor central responder: diagnoses Lambda invoke permission failures in member accounts' log records",
          }
        : {
            handlerPath: 'lambda/handlers/logSubscription.ts',
            description:
              'invoke-doctor responder: diagnoses Lambda invoke permission failures in log deliveries',
          }),
      roleName: props.responderRoleName,
      logGroupName: this.ownLogGroupNames[0] as string,
      logRetention: props.logRetention,
      environment,
      onFailure,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
    });
    this.sweeper = new InvokeDoctorFunction(this, 'Sweeper', {
      handlerPath: 'lambda/handlers/sweeper.ts',
      description:
        'invoke-doctor sweeper: resolves quiet incidents and retries pending notifications',
      logGroupName: this.ownLogGroupNames[1] as string,
      logRetention: props.logRetention,
      environment,
      onFailure,
      // The next tick is a minute away: retrying a failed sweep would only overlap it.
      retryAttempts: 0,
      maxEventAge: Duration.minutes(5),
    });

    for (const fn of [this.responder, this.sweeper]) {
      fn.addToRolePolicy(
        new iam.PolicyStatement({
          // Exactly what DynamoDbIncidentRepository calls: no Scan, Delete, batch or transactions.
          actions: [
            'dynamodb:GetItem',
            'dynamodb:Query',
            'dynamodb:PutItem',
            'dynamodb:UpdateItem',
          ],
          resources: this.table.dataArns,
        }),
      );
      this.alerts.grantPublish(fn);
      if (secretName !== undefined) {
        fn.addToRolePolicy(
          new iam.PolicyStatement({
            actions: ['secretsmanager:GetSecretValue'],
            // Secrets Manager appends a hyphen and six random characters to every secret ARN.
            resources: [
              stack.formatArn({
                service: 'secretsmanager',
                resource: 'secret',
                resourceName: `${secretName}-??????`,
                arnFormat: ArnFormat.COLON_RESOURCE_NAME,
              }),
            ],
          }),
        );
      }
    }

    if (verify) {
      for (const fn of [this.responder, this.sweeper]) this.allowVerification(fn);
    }

    new events.Rule(this, 'SweepSchedule', {
      description: 'Runs the invoke-doctor sweeper every minute',
      schedule: events.Schedule.rate(Duration.minutes(1)),
      targets: [
        new targets.LambdaFunction(this.sweeper, {
          deadLetterQueue: this.failureQueue,
          retryAttempts: 2,
          maxEventAge: Duration.minutes(5),
        }),
      ],
    });

    this.monitoring = new Monitoring(this, 'Monitoring', {
      responder: this.responder,
      sweeper: this.sweeper,
      failureQueue: this.failureQueue,
      topic: this.alerts.topic,
      streamConsumer: this.stream !== undefined,
    });

    if (props.stream) {
      this.consume(props.stream);
    } else if (this.accountWide) {
      this.subscribeAccount();
    } else {
      for (const name of props.logGroupNames ?? []) this.watchLogGroup(name);
    }
    this.node.addValidation({
      validate: () =>
        this.accountWide || this.stream !== undefined || this.watched.size > 0
          ? []
          : [
              'InvokeDoctor watches no log group: pass logGroupNames, call watchLogGroup(), or set accountWide',
            ],
    });
  }

  /** Names of the log groups subscribed one by one (empty in account-wide mode). */
  get watchedLogGroupNames(): string[] {
    return [...this.watched];
  }

  /**
   * Subscribes one log group (by name or as an ILogGroup with a literal name) to the responder:
   * a subscription filter with the shared filter pattern, an invoke permission for
   * logs.amazonaws.com limited to that group and this account, and FilterLogEvents on it.
   */
  watchLogGroup(group: string | logs.ILogGroup): this {
    const name = typeof group === 'string' ? group : group.logGroupName;
    if (this.stream) {
      throw new Error(
        `InvokeDoctor.watchLogGroup("${name}"): this responder reads a stream; members subscribe their log groups to its destination`,
      );
    }
    if (this.accountWide) {
      throw new Error(
        `InvokeDoctor.watchLogGroup("${name}"): accountWide already subscribes every log group`,
      );
    }
    if (Token.isUnresolved(name)) {
      throw new Error(
        'InvokeDoctor.watchLogGroup: the log group name must be a literal (it is checked against invoke-doctor’s own log groups)',
      );
    }
    if (!AWS_FORMATS.logGroupName.test(name)) {
      throw new Error(
        `InvokeDoctor.watchLogGroup("${name}"): expected ${AWS_FORMAT_HINTS.logGroupName}`,
      );
    }
    if (this.ownLogGroupNames.includes(name)) {
      throw new Error(
        `"${name}" is invoke-doctor's own log group: subscribing it would feed the responder its own output in a loop`,
      );
    }
    if (this.watched.has(name)) {
      throw new Error(`log group "${name}" is already watched`);
    }
    if (this.watched.size >= MAX_WATCHED_LOG_GROUPS) {
      throw new Error(
        `cannot watch "${name}": at most ${MAX_WATCHED_LOG_GROUPS} log groups fit in the responder's resource policy one by one; use accountWide instead`,
      );
    }
    this.watched.add(name);

    const arn = this.logGroupArn(`${name}:*`);
    const scope = new Construct(this, `Watch${constructIdFor(name)}`);
    const permission = new lambda.CfnPermission(scope, 'InvokePermission', {
      action: 'lambda:InvokeFunction',
      functionName: this.responder.functionArn,
      principal: 'logs.amazonaws.com',
      sourceArn: arn,
      sourceAccount: Stack.of(this).account,
    });
    const filter = new logs.CfnSubscriptionFilter(scope, 'SubscriptionFilter', {
      logGroupName: name,
      filterName: this.qualifier,
      filterPattern: FILTER_PATTERN,
      destinationArn: this.responder.functionArn,
    });
    // CloudWatch Logs test-invokes the destination when the filter is created.
    filter.node.addDependency(permission);
    this.allowLookup(`${name}:*`, `the watched log group ${name} only`);
    return this;
  }

  // Stream mode: an event source mapping that never lets one record block a shard.
  private consume(input: StreamInput): void {
    const batchSize = input.batchSize ?? SETTINGS.centralBatchSize.default;
    const parallelizationFactor =
      input.parallelizationFactor ?? SETTINGS.centralParallelizationFactor.default;
    const retryAttempts = input.retryAttempts ?? STREAM_RETRY_ATTEMPTS;
    const window =
      input.maxBatchingWindow ?? Duration.seconds(SETTINGS.centralBatchWindowSeconds.default);
    const maxRecordAge =
      input.maxRecordAge ?? Duration.hours(SETTINGS.centralMaxRecordAgeHours.default);
    const bounded = (name: string, value: number, min: number, max: number) => {
      if (!Number.isInteger(value) || value < min || value > max) {
        throw new Error(
          `InvokeDoctor: stream.${name} must be a whole number from ${min} to ${max}`,
        );
      }
    };
    bounded('batchSize', batchSize, SETTINGS.centralBatchSize.min, SETTINGS.centralBatchSize.max);
    bounded(
      'parallelizationFactor',
      parallelizationFactor,
      SETTINGS.centralParallelizationFactor.min,
      SETTINGS.centralParallelizationFactor.max,
    );
    bounded('retryAttempts', retryAttempts, 0, 10_000);
    this.responder.addEventSource(
      new sources.KinesisEventSource(input.stream, {
        // Records already in the stream when the mapping is created are member deliveries too.
        startingPosition: lambda.StartingPosition.TRIM_HORIZON,
        batchSize,
        maxBatchingWindow: window,
        parallelizationFactor,
        // Partial batch responses retry only from the first failed record; bisection isolates a
        // record that fails the whole invocation; the retry limit and record age stop a poison
        // record from blocking its shard, and the failure queue keeps where it was.
        reportBatchItemFailures: true,
        bisectBatchOnError: true,
        retryAttempts,
        maxRecordAge,
        onFailure: new sources.SqsDlq(this.failureQueue),
      }),
    );
  }

  // Account mode: one policy for every log group but our own, one permission for any group.
  private subscribeAccount(): void {
    const stack = Stack.of(this);
    const anyGroup = this.logGroupArn('*');
    const permission = new lambda.CfnPermission(this, 'AccountWideInvokePermission', {
      action: 'lambda:InvokeFunction',
      functionName: this.responder.functionArn,
      principal: 'logs.amazonaws.com',
      sourceArn: anyGroup,
      sourceAccount: stack.account,
    });
    const policy = new logs.CfnAccountPolicy(this, 'AccountWideSubscription', {
      policyName: this.qualifier,
      policyType: 'SUBSCRIPTION_FILTER_POLICY',
      scope: 'ALL',
      policyDocument: stack.toJsonString({
        DestinationArn: this.responder.functionArn,
        FilterPattern: FILTER_PATTERN,
        Distribution: 'Random',
      }),
      selectionCriteria: `LogGroupName NOT IN [${this.ownLogGroupNames.map((n) => JSON.stringify(n)).join(', ')}]`,
    });
    policy.node.addDependency(permission);
    this.allowLookup('*', 'every log group, because in account-wide mode any of them can deliver');
  }

  /**
   * The read-only actions verification calls, each on the narrowest resource its API allows
   * (docs/permissions.md lists them with their reasons): no write, no code download
   * (GetFunctionConfiguration, not GetFunction), no secrets.
   */
  private allowVerification(fn: InvokeDoctorFunction): void {
    const stack = Stack.of(this);
    const arn = (
      service: string,
      resource: string,
      region = stack.region,
      account = stack.account,
    ) => `arn:${stack.partition}:${service}:${region}:${account}:${resource}`;
    const functions = arn('lambda', 'function:*');
    const apigw = (path: string) => `arn:${stack.partition}:apigateway:${stack.region}::${path}`;
    const iamArn = (resource: string, account: string = stack.account) =>
      `arn:${stack.partition}:iam::${account}:${resource}`;
    const statements = [
      new iam.PolicyStatement({
        sid: 'VerifyLambdaPolicies',
        actions: [
          'lambda:GetPolicy',
          'lambda:GetFunctionConfiguration',
          'lambda:GetFunctionUrlConfig',
        ],
        resources: [functions],
      }),
      new iam.PolicyStatement({
        sid: 'VerifyApiGatewayRoutes',
        actions: ['apigateway:GET'],
        resources: [
          apigw('/restapis/*/resources'),
          apigw('/restapis/*/stages/*'),
          apigw('/restapis/*/authorizers'),
          apigw('/apis/*/routes'),
          apigw('/apis/*/integrations'),
          apigw('/apis/*/authorizers/*'),
          apigw('/apis/*/stages/*'),
        ],
      }),
      new iam.PolicyStatement({
        sid: 'VerifyCallerPolicies',
        actions: [
          'iam:GetRole',
          'iam:ListRolePolicies',
          'iam:GetRolePolicy',
          'iam:ListAttachedRolePolicies',
          'iam:GetUser',
          'iam:ListUserPolicies',
          'iam:GetUserPolicy',
          'iam:ListAttachedUserPolicies',
          'iam:ListGroupsForUser',
          'iam:SimulatePrincipalPolicy',
        ],
        resources: [iamArn('role/*'), iamArn('user/*')],
      }),
      new iam.PolicyStatement({
        sid: 'VerifyGroupPolicies',
        actions: ['iam:ListGroupPolicies', 'iam:GetGroupPolicy', 'iam:ListAttachedGroupPolicies'],
        resources: [iamArn('group/*')],
      }),
      new iam.PolicyStatement({
        sid: 'VerifyManagedPolicies',
        actions: ['iam:GetPolicy', 'iam:GetPolicyVersion'],
        resources: [iamArn('policy/*'), iamArn('policy/*', 'aws')],
      }),
      new iam.PolicyStatement({
        sid: 'VerifyRecentChanges',
        actions: ['cloudtrail:LookupEvents'],
        resources: ['*'],
      }),
    ];
    for (const statement of statements) fn.addToRolePolicy(statement);
    const reasons: [string, string][] = [
      [
        `Resource::arn:<AWS::Partition>:lambda:<AWS::Region>:<AWS::AccountId>:function:*`,
        'Verification reads the resource-based policy and configuration of whichever function a log names (GetPolicy, GetFunctionConfiguration, GetFunctionUrlConfig): read-only, this account and Region only, no code download.',
      ],
      ...[
        '/restapis/*/resources',
        '/restapis/*/stages/*',
        '/restapis/*/authorizers',
        '/apis/*/routes',
        '/apis/*/integrations',
        '/apis/*/authorizers/*',
        '/apis/*/stages/*',
      ].map((path): [string, string] => [
        `Resource::arn:<AWS::Partition>:apigateway:<AWS::Region>::${path}`,
        `Verification reads the routes, integrations, stages and authorizers of whichever API a log names (apigateway:GET on ${path} only): read-only, this Region only.`,
      ]),
      [
        'Resource::arn:<AWS::Partition>:iam::<AWS::AccountId>:role/*',
        "Verification reads the caller role's identity-based policies, boundary and trust policy, or asks IAM to simulate them: read-only, roles of this account only.",
      ],
      [
        'Resource::arn:<AWS::Partition>:iam::<AWS::AccountId>:user/*',
        "Verification reads the calling user's identity-based policies and groups, or asks IAM to simulate them: read-only, users of this account only.",
      ],
      [
        'Resource::arn:<AWS::Partition>:iam::<AWS::AccountId>:group/*',
        "Verification reads the policies of a calling user's groups: read-only, groups of this account only.",
      ],
      [
        'Resource::arn:<AWS::Partition>:iam::<AWS::AccountId>:policy/*',
        'Verification reads the default version of managed policies attached to the caller: read-only.',
      ],
      [
        'Resource::arn:<AWS::Partition>:iam::aws:policy/*',
        'Verification reads AWS managed policies attached to the caller: read-only, public documents.',
      ],
      [
        'Resource::*',
        'xray:PutTraceSegments, xray:PutTelemetryRecords (Tracing.ACTIVE) and cloudtrail:LookupEvents (verification reads the event history of the named function or role to say who changed it) support no resource-level permissions.',
      ],
    ];
    Validations.of(fn.role as iam.Role).acknowledge(
      ...reasons.map(([finding, reason]) => ({ id: `AwsSolutions-IAM5[${finding}]`, reason })),
    );
  }

  // `resourceName` is what follows `log-group:` in the ARN: `{name}:*`, or `*` for every group.
  private allowLookup(resourceName: string, what: string): void {
    if (!this.contextLookup) return;
    if (this.lookupStatement === undefined) {
      this.lookupStatement = new iam.PolicyStatement({ actions: ['logs:FilterLogEvents'] });
      this.responder.addToRolePolicy(this.lookupStatement);
    }
    this.lookupStatement.addResources(this.logGroupArn(resourceName));
    Validations.of(this.responder.role as iam.Role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:${resourceName}]`,
      reason: `logs:FilterLogEvents on ${what}, for at most one context lookup per delivery; CloudWatch Logs authorizes it only against a log group ARN ending in :*.`,
    });
  }

  private logGroupArn(resourceName: string): string {
    return Stack.of(this).formatArn({
      service: 'logs',
      resource: 'log-group',
      resourceName,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
  }
}

// A number prop checked against the bounds of its setting, or the setting's default.
function boundedInteger(
  value: number | undefined,
  setting: { readonly min: number; readonly max: number; readonly default: number },
  prop: string,
): number {
  if (value === undefined) return setting.default;
  if (!Number.isInteger(value) || value < setting.min || value > setting.max) {
    throw new Error(
      `InvokeDoctor: ${prop} must be a whole number from ${setting.min} to ${setting.max}`,
    );
  }
  return value;
}

// A Duration prop read in the unit, bounds and default of its setting.
function wholeUnits(
  value: Duration | undefined,
  setting: {
    readonly unit: 'minutes' | 'hours' | 'days';
    readonly min: number;
    readonly max: number;
    readonly default: number;
  },
  prop: string,
): number {
  const { unit, min, max } = setting;
  if (value === undefined) return setting.default;
  const n =
    unit === 'minutes'
      ? value.toMinutes({ integral: false })
      : unit === 'hours'
        ? value.toHours({ integral: false })
        : value.toDays({ integral: false });
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new Error(
      `InvokeDoctor: ${prop} must be a whole number of ${unit} from ${min} to ${max}`,
    );
  }
  return n;
}
