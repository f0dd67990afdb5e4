import { Annotations, Match, type Template } from 'aws-cdk-lib/assertions';
import { FILTER_PATTERN } from '../../lambda/core/constants';
import { ConfigError } from '../../lambda/core/errors';
import { CONFIG_CONTEXT_KEY, SETTINGS } from '../../lambda/core/settings';
import { RUNTIME_ENV } from '../helpers/runtimeEnv';
import {
  acknowledgements,
  cfnLint,
  exampleConfig,
  nagFindings,
  normalizedTemplate,
  type Synthesized,
  synthesize,
} from '../helpers/synth';

// Each variant is synthesized once and shared by the tests below.
const perGroupConfig = {
  ...exampleConfig(),
  alarmEmails: ['oncall@example.com'],
  slackWebhookSecretName: 'invoke-doctor/slack-webhook',
};
const perGroup: Synthesized = synthesize(perGroupConfig);
const accountWide: Synthesized = synthesize({ accountWide: true });
const variants = { perGroup, accountWide } as const;

// Every cdk-nag acknowledgement, per variant: a new one must be added here on purpose.
const COMMON_ACKS = [
  'AwsSolutions-IAM5[Resource::*]',
  'AwsSolutions-SQS3',
  'Serverless-LambdaDLQ',
  'Serverless-SQSRedrivePolicy',
];
const LOG_GROUP_ARN_PREFIX = 'arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:';
// Verification's read-only resources (on by default), each acknowledged with its reason.
const API_PATHS = [
  '/restapis/*/resources',
  '/restapis/*/stages/*',
  '/restapis/*/authorizers',
  '/apis/*/routes',
  '/apis/*/integrations',
  '/apis/*/authorizers/*',
  '/apis/*/stages/*',
];
const VERIFY_ACKS = [
  'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:lambda:<AWS::Region>:<AWS::AccountId>:function:*]',
  ...API_PATHS.map(
    (path) => `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:apigateway:<AWS::Region>::${path}]`,
  ),
  ...['role/*', 'user/*', 'group/*', 'policy/*'].map(
    (r) => `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iam::<AWS::AccountId>:${r}]`,
  ),
  'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iam::aws:policy/*]',
];
/** Every action verification may call: read-only, as docs/permissions.md lists them. */
const VERIFY_ACTIONS = [
  'apigateway:GET',
  'cloudtrail:LookupEvents',
  'iam:GetGroupPolicy',
  'iam:GetPolicy',
  'iam:GetPolicyVersion',
  'iam:GetRole',
  'iam:GetRolePolicy',
  'iam:GetUser',
  'iam:GetUserPolicy',
  'iam:ListAttachedGroupPolicies',
  'iam:ListAttachedRolePolicies',
  'iam:ListAttachedUserPolicies',
  'iam:ListGroupPolicies',
  'iam:ListGroupsForUser',
  'iam:ListRolePolicies',
  'iam:ListUserPolicies',
  'iam:SimulatePrincipalPolicy',
  'lambda:GetFunctionConfiguration',
  'lambda:GetFunctionUrlConfig',
  'lambda:GetPolicy',
];
const EXPECTED_ACKS: Record<keyof typeof variants, string[]> = {
  perGroup: [
    ...COMMON_ACKS,
    ...VERIFY_ACKS,
    `AwsSolutions-IAM5[Resource::${LOG_GROUP_ARN_PREFIX}API-Gateway-Execution-Logs_a1b2c3d4e5/prod:*]`,
    `AwsSolutions-IAM5[Resource::${LOG_GROUP_ARN_PREFIX}/aws/lambda/orders-api:*]`,
    `AwsSolutions-IAM5[Resource::${LOG_GROUP_ARN_PREFIX}/aws/vendedlogs/orders-http-api/access:*]`,
  ],
  accountWide: [
    ...COMMON_ACKS,
    ...VERIFY_ACKS,
    `AwsSolutions-IAM5[Resource::${LOG_GROUP_ARN_PREFIX}*]`,
  ],
};

const WATCHED = [
  'API-Gateway-Execution-Logs_a1b2c3d4e5/prod',
  '/aws/lambda/orders-api',
  '/aws/vendedlogs/orders-http-api/access',
];
const OWN_LOG_GROUPS = [
  '/invoke-doctor/InvokeDoctor/responder',
  '/invoke-doctor/InvokeDoctor/sweeper',
];

interface Statement {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Condition?: unknown;
}

type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;

function resources(template: Template, type: string): Resources {
  return template.findResources(type) as Resources;
}

function propertiesOf(template: Template, type: string, id: string): Record<string, unknown> {
  const resource = resources(template, type)[id];
  if (resource === undefined) throw new Error(`no ${type} ${id}`);
  return resource.Properties;
}

function onlyResource(template: Template, type: string): Record<string, unknown> {
  const found = Object.values(resources(template, type));
  expect(found).toHaveLength(1);
  return (found[0] as { Properties: Record<string, unknown> }).Properties;
}

function functionLogicalId(template: Template, descriptionStart: string): string {
  const [id] = Object.entries(resources(template, 'AWS::Lambda::Function')).find(([, r]) =>
    String(r.Properties.Description).startsWith(descriptionStart),
  ) ?? [undefined];
  if (id === undefined) throw new Error(`no function described as ${descriptionStart}`);
  return id;
}

// Statements of the role a function runs as (its inline DefaultPolicy).
function roleStatements(template: Template, functionId: string): Statement[] {
  const fn = propertiesOf(template, 'AWS::Lambda::Function', functionId);
  const roleId = (fn.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
  return Object.values(resources(template, 'AWS::IAM::Policy'))
    .filter((p) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: roleId }]))
    .flatMap((p) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
}

function actionsOf(statement: Statement): string[] {
  return Array.isArray(statement.Action) ? statement.Action : [statement.Action];
}

function resourcesOf(statement: Statement): unknown[] {
  return Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];
}

function statementWith(statements: Statement[], action: string): Statement | undefined {
  return statements.find((s) => actionsOf(s).includes(action));
}

// arn:${Partition}:logs:${Region}:${Account}:log-group:{name} as CDK renders it.
function logGroupArn(resourceName: string): unknown {
  return {
    'Fn::Join': [
      '',
      [
        'arn:',
        { Ref: 'AWS::Partition' },
        ':logs:',
        { Ref: 'AWS::Region' },
        ':',
        { Ref: 'AWS::AccountId' },
        `:log-group:${resourceName}`,
      ],
    ],
  };
}

describe.each(Object.entries(variants))('InvokeDoctorStack (%s)', (name, { stack, template }) => {
  const responderId = functionLogicalId(template, 'invoke-doctor responder');
  const sweeperId = functionLogicalId(template, 'invoke-doctor sweeper');

  it('runs both functions on nodejs24.x arm64 with tracing, JSON logs and source maps', () => {
    for (const id of [responderId, sweeperId]) {
      expect(propertiesOf(template, 'AWS::Lambda::Function', id)).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        MemorySize: 256,
        Timeout: 60,
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: { LogFormat: 'JSON', LogGroup: { Ref: expect.stringMatching(/LogGroup/) } },
        Environment: {
          Variables: {
            NODE_OPTIONS: '--enable-source-maps',
            POWERTOOLS_SERVICE_NAME: 'invoke-doctor',
            POWERTOOLS_METRICS_NAMESPACE: 'InvokeDoctor',
          },
        },
      });
    }
  });

  it('gives each function its own log group with retention, named so it can be excluded', () => {
    const groups = Object.values(resources(template, 'AWS::Logs::LogGroup')).map((g) => [
      g.Properties.LogGroupName,
      g.Properties.RetentionInDays,
    ]);
    expect(groups.sort()).toEqual(OWN_LOG_GROUPS.map((name) => [name, 30]).sort());
  });

  it('sets the runtime environment from the settings table, never a webhook URL', () => {
    // Arrange
    const fn = propertiesOf(template, 'AWS::Lambda::Function', responderId);
    const vars = (fn.Environment as { Variables: Record<string, unknown> }).Variables;

    // Assert
    expect(vars).toMatchObject({
      [RUNTIME_ENV.incidentsTable]: { Ref: expect.stringMatching(/^DoctorIncidents/) },
      [RUNTIME_ENV.alertTopicArn]: { Ref: expect.stringMatching(/^DoctorAlertsTopic/) },
      [RUNTIME_ENV.chatFormat]: 'false',
      [RUNTIME_ENV.updateIntervalMinutes]: String(SETTINGS.updateIntervalMinutes.default),
      [RUNTIME_ENV.quietPeriodMinutes]: String(SETTINGS.quietPeriodMinutes.default),
      [RUNTIME_ENV.resolvedTtlDays]: String(SETTINGS.resolvedTtlDays.default),
      [RUNTIME_ENV.contextLookup]: 'true',
    });
  });

  it('keeps failed asynchronous invocations in an encrypted, TLS-only queue', () => {
    // Arrange
    const queue = onlyResource(template, 'AWS::SQS::Queue');
    const queueId = Object.keys(resources(template, 'AWS::SQS::Queue'))[0] as string;

    // Assert
    expect(queue).toMatchObject({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 1209600 });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: responderId },
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: 3600,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queueId, 'Arn'] } } },
    });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: sweeperId },
      MaximumRetryAttempts: 0,
      MaximumEventAgeInSeconds: 300,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queueId, 'Arn'] } } },
    });
  });

  it('creates the incidents table with the key names the repository uses', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        AttributeDefinitions: Match.arrayWith([
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
          { AttributeName: 'gsi1pk', AttributeType: 'S' },
          { AttributeName: 'gsi1sk', AttributeType: 'S' },
        ]),
        GlobalSecondaryIndexes: [
          {
            IndexName: 'gsi1',
            KeySchema: [
              { AttributeName: 'gsi1pk', KeyType: 'HASH' },
              { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
        ],
        BillingMode: 'PAY_PER_REQUEST',
        SSESpecification: { SSEEnabled: true },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        DeletionProtectionEnabled: true,
      },
    });
  });

  it('encrypts the alert topic with a rotating customer key CloudWatch alarms may use', () => {
    // Arrange
    const keyId = Object.keys(resources(template, 'AWS::KMS::Key'))[0] as string;

    // Assert
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            Effect: 'Allow',
            // only this account's alarms: no confused deputy through the service principal
            Condition: {
              StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
              ArnLike: { 'aws:SourceArn': Match.anyValue() },
            },
          }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] },
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
            Condition: Match.objectLike({
              StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
            }),
          }),
        ]),
      },
    });
  });

  it('runs the sweeper every minute, with a dead-letter queue on the target', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      State: 'ENABLED',
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [sweeperId, 'Arn'] },
          DeadLetterConfig: {
            Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('FailureQueue'), 'Arn'] },
          },
        }),
      ],
    });
  });

  it('alarms on responder errors and throttles, queue depth, sweeper errors, failed and abandoned alerts', () => {
    // Arrange
    const topicId = Object.keys(resources(template, 'AWS::SNS::Topic'))[0] as string;
    const alarms = Object.values(resources(template, 'AWS::CloudWatch::Alarm')).map(
      (a) => a.Properties,
    );
    const summary = alarms.map((a) => [
      a.MetricName,
      JSON.stringify(a.Dimensions ?? [{ Name: 'service', Value: 'invoke-doctor' }]),
    ]);

    // Assert
    expect(summary).toEqual(
      expect.arrayContaining([
        ['Errors', expect.stringContaining(responderId)],
        ['Throttles', expect.stringContaining(responderId)],
        ['ApproximateNumberOfMessagesVisible', expect.stringContaining('FailureQueue')],
        ['Errors', expect.stringContaining(sweeperId)],
        ['NotificationsFailed', expect.stringContaining('invoke-doctor')],
        ['NotificationsAbandoned', expect.stringContaining('invoke-doctor')],
      ]),
    );
    expect(alarms).toHaveLength(6);
    for (const alarm of alarms) {
      expect(alarm.AlarmActions).toEqual([{ Ref: topicId }]);
      expect(alarm.OKActions).toEqual([{ Ref: topicId }]);
      expect(alarm.TreatMissingData).toBe('notBreaching');
    }
  });

  it('puts the handler metrics, errors, duration and queue depth on the dashboard', () => {
    // Arrange: the body is Fn::Join around tokens (Region, function names); stub them and parse.
    const body = onlyResource(template, 'AWS::CloudWatch::Dashboard').DashboardBody as {
      'Fn::Join': [string, unknown[]];
    };
    const dashboard = JSON.parse(
      body['Fn::Join'][1].map((p) => (typeof p === 'string' ? p : 'TOKEN')).join(''),
    ) as { widgets: Array<{ properties: { metrics?: unknown[][] } }> };
    const series = dashboard.widgets.flatMap((w) => w.properties.metrics ?? []);
    const plain = series.filter((m) => typeof m[0] === 'string').map((m) => m.slice(0, 3));

    // Assert
    expect(series).toContainEqual([
      {
        expression: `SEARCH('{InvokeDoctor,kind,service} MetricName="Diagnoses" service="invoke-doctor"', 'Sum', 300)`,
      },
    ]);
    for (const name of [
      'EventsScanned',
      'BadPayloads',
      'Lookups',
      'IncidentsOpened',
      'IncidentsResolved',
      'NotificationsFailed',
    ]) {
      expect(series).toContainEqual([
        'InvokeDoctor',
        name,
        'service',
        'invoke-doctor',
        expect.anything(),
      ]);
    }
    expect(plain).toEqual(
      expect.arrayContaining([
        ['AWS/Lambda', 'Errors', 'FunctionName'],
        ['AWS/Lambda', 'Throttles', 'FunctionName'],
        ['AWS/Lambda', 'Duration', 'FunctionName'],
        ['AWS/SQS', 'ApproximateNumberOfMessagesVisible', 'QueueName'],
      ]),
    );
  });

  it('grants DynamoDB, SNS and KMS on exactly the table, its index, the topic and its key', () => {
    for (const id of [responderId, sweeperId]) {
      // Arrange
      const statements = roleStatements(template, id);
      const dynamo = statementWith(statements, 'dynamodb:UpdateItem');
      const publish = statementWith(statements, 'sns:Publish');
      const kms = statementWith(statements, 'kms:GenerateDataKey');

      // Assert
      expect(resourcesOf(dynamo as Statement)).toEqual([
        { 'Fn::GetAtt': [expect.stringMatching(/^DoctorIncidents/), 'Arn'] },
        {
          'Fn::Join': [
            '',
            [{ 'Fn::GetAtt': [expect.stringMatching(/^DoctorIncidents/), 'Arn'] }, '/index/gsi1'],
          ],
        },
      ]);
      expect(actionsOf(dynamo as Statement).sort()).toEqual([
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:Query',
        'dynamodb:UpdateItem',
      ]);
      expect(resourcesOf(publish as Statement)).toEqual([
        { Ref: expect.stringMatching(/^DoctorAlertsTopic/) },
      ]);
      expect(actionsOf(kms as Statement).sort()).toEqual(['kms:Decrypt', 'kms:GenerateDataKey']);
      expect(resourcesOf(kms as Statement)).toEqual([
        { 'Fn::GetAtt': [expect.stringMatching(/^DoctorAlertsKey/), 'Arn'] },
      ]);
    }
  });

  it('uses a wildcard resource only where the service offers nothing narrower', () => {
    for (const id of [responderId, sweeperId]) {
      const wildcards = roleStatements(template, id)
        .filter((s) => s.Effect === 'Allow' && resourcesOf(s).includes('*'))
        .flatMap(actionsOf);
      expect(wildcards.sort()).toEqual([
        'cloudtrail:LookupEvents',
        'xray:PutTelemetryRecords',
        'xray:PutTraceSegments',
      ]);
      // Log writing: this function's own log group only (no AWSLambdaBasicExecutionRole).
      expect(
        resourcesOf(statementWith(roleStatements(template, id), 'logs:PutLogEvents') as Statement),
      ).toEqual([{ 'Fn::GetAtt': [expect.stringMatching(/LogGroup/), 'Arn'] }]);
    }
    template.resourcePropertiesCountIs(
      'AWS::IAM::Role',
      { ManagedPolicyArns: Match.anyValue() },
      0,
    );
  });

  it('lets both functions make exactly the read-only calls verification needs, in this account', () => {
    for (const id of [responderId, sweeperId]) {
      const statements = roleStatements(template, id).filter((s) =>
        actionsOf(s).some((a) => VERIFY_ACTIONS.includes(a)),
      );
      expect([...new Set(statements.flatMap(actionsOf))].sort()).toEqual(VERIFY_ACTIONS);
      // No write, no code download, no secret among them.
      for (const action of statements.flatMap(actionsOf)) {
        expect(action).toMatch(/:(Get|List|Lookup|Simulate)|^apigateway:GET$/);
      }
      const lambda = statementWith(statements, 'lambda:GetPolicy') as Statement;
      expect(JSON.stringify(resourcesOf(lambda))).toContain(':function:*');
      const api = statementWith(statements, 'apigateway:GET') as Statement;
      expect(JSON.stringify(resourcesOf(api))).not.toMatch(/::\/restapis\/\*"|::\*"/);
    }
  });

  it('has zero unacknowledged cdk-nag findings, each acknowledgement with a specific reason', () => {
    // Arrange
    const acks = acknowledgements(stack);

    // Assert
    expect(nagFindings(stack)).toEqual([]);
    expect([...acks.keys()].sort()).toEqual(
      [...EXPECTED_ACKS[name as keyof typeof variants]].sort(),
    );
    for (const [id, reason] of acks) {
      expect([id, reason.length > 60]).toEqual([id, true]);
    }
  });

  it('raises no CDK warnings or errors', () => {
    const annotations = Annotations.fromStack(stack);
    expect(annotations.findWarning('*', Match.anyValue())).toEqual([]);
    expect(annotations.findError('*', Match.anyValue())).toEqual([]);
  });

  it('exports the names the CLI reads as stack outputs', () => {
    const outputs = template.toJSON().Outputs as Record<
      string,
      { Value: unknown; Export?: unknown }
    >;
    expect(Object.keys(outputs).sort()).toEqual([
      'AlertTopicArn',
      'FailureQueueUrl',
      'IncidentsTableName',
      'ResponderFunctionName',
      'SweeperFunctionName',
    ]);
    expect(outputs.IncidentsTableName?.Value).toEqual({
      Ref: expect.stringMatching(/^DoctorIncidents/),
    });
    expect(Object.values(outputs).some((o) => o.Export !== undefined)).toBe(false);
  });

  it('matches the snapshot (asset hashes normalised)', () => {
    expect(normalizedTemplate(template)).toMatchSnapshot();
  });
});

describe('InvokeDoctorStack per-group subscriptions', () => {
  const { template } = perGroup;
  const responderId = functionLogicalId(template, 'invoke-doctor responder');

  it('subscribes each configured log group with the shared filter pattern, after its permission', () => {
    // Arrange
    const filters = Object.values(resources(template, 'AWS::Logs::SubscriptionFilter')) as Array<{
      Properties: Record<string, unknown>;
      DependsOn?: string[];
    }>;
    const permissions = resources(template, 'AWS::Lambda::Permission');

    // Assert
    expect(filters.map((f) => f.Properties.LogGroupName).sort()).toEqual([...WATCHED].sort());
    for (const filter of filters) {
      expect(filter.Properties).toMatchObject({
        FilterPattern: FILTER_PATTERN,
        FilterName: 'invoke-doctor-InvokeDoctor',
        DestinationArn: { 'Fn::GetAtt': [responderId, 'Arn'] },
      });
      const dependency = permissions[filter.DependsOn?.[0] ?? ''];
      expect(dependency?.Properties.SourceArn).toEqual(
        logGroupArn(`${filter.Properties.LogGroupName as string}:*`),
      );
    }
    template.resourceCountIs('AWS::Logs::AccountPolicy', 0);
  });

  it('lets logs.amazonaws.com invoke the responder only from each watched group in this account', () => {
    for (const name of WATCHED) {
      template.hasResourceProperties('AWS::Lambda::Permission', {
        Action: 'lambda:InvokeFunction',
        FunctionName: { 'Fn::GetAtt': [responderId, 'Arn'] },
        Principal: 'logs.amazonaws.com',
        SourceAccount: { Ref: 'AWS::AccountId' },
        SourceArn: logGroupArn(`${name}:*`),
      });
    }
    template.resourcePropertiesCountIs(
      'AWS::Lambda::Permission',
      { Principal: 'logs.amazonaws.com' },
      WATCHED.length,
    );
  });

  it('allows FilterLogEvents on the watched log groups only', () => {
    const lookup = statementWith(roleStatements(template, responderId), 'logs:FilterLogEvents');
    expect(actionsOf(lookup as Statement)).toEqual(['logs:FilterLogEvents']);
    const arns = resourcesOf(lookup as Statement);
    expect(arns).toHaveLength(WATCHED.length);
    expect(arns).toEqual(expect.arrayContaining(WATCHED.map((name) => logGroupArn(`${name}:*`))));
    const sweeperId = functionLogicalId(template, 'invoke-doctor sweeper');
    expect(
      statementWith(roleStatements(template, sweeperId), 'logs:FilterLogEvents'),
    ).toBeUndefined();
  });

  it('lets the functions read exactly the named Slack secret', () => {
    for (const id of [responderId, functionLogicalId(template, 'invoke-doctor sweeper')]) {
      const read = statementWith(roleStatements(template, id), 'secretsmanager:GetSecretValue');
      expect(read).toMatchObject({
        Action: 'secretsmanager:GetSecretValue',
        Resource: {
          'Fn::Join': [
            '',
            [
              'arn:',
              { Ref: 'AWS::Partition' },
              ':secretsmanager:',
              { Ref: 'AWS::Region' },
              ':',
              { Ref: 'AWS::AccountId' },
              ':secret:invoke-doctor/slack-webhook-??????',
            ],
          ],
        },
      });
    }
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          [RUNTIME_ENV.slackWebhookSecret]: 'invoke-doctor/slack-webhook',
        }),
      },
    });
  });

  it('subscribes the alarm email with a dead-letter queue for undeliverable messages', () => {
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'oncall@example.com',
      RedrivePolicy: {
        deadLetterTargetArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('FailureQueue'), 'Arn'] },
      },
    });
  });
});

describe('InvokeDoctorStack account-wide subscription', () => {
  const { template } = accountWide;
  const responderId = functionLogicalId(template, 'invoke-doctor responder');

  it('uses one account policy that excludes invoke-doctor’s own log groups', () => {
    // Arrange
    const policy = onlyResource(template, 'AWS::Logs::AccountPolicy');
    // The document is Fn::Join around the function ARN; put a marker there and parse it.
    const [, parts] = (policy.PolicyDocument as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
    const document = JSON.parse(
      parts.map((p) => (typeof p === 'string' ? p : 'RESPONDER_ARN')).join(''),
    ) as unknown;

    // Assert
    expect(policy).toMatchObject({
      PolicyName: 'invoke-doctor-InvokeDoctor',
      PolicyType: 'SUBSCRIPTION_FILTER_POLICY',
      Scope: 'ALL',
      SelectionCriteria:
        'LogGroupName NOT IN ["/invoke-doctor/InvokeDoctor/responder", "/invoke-doctor/InvokeDoctor/sweeper"]',
    });
    expect(parts).toContainEqual({ 'Fn::GetAtt': [responderId, 'Arn'] });
    expect(document).toEqual({
      DestinationArn: 'RESPONDER_ARN',
      FilterPattern: FILTER_PATTERN,
      Distribution: 'Random',
    });
    template.resourceCountIs('AWS::Logs::SubscriptionFilter', 0);
  });

  it('lets logs.amazonaws.com invoke the responder from any log group of this account only', () => {
    // Arrange
    const permissions = Object.entries(resources(template, 'AWS::Lambda::Permission')).filter(
      ([, p]) => p.Properties.Principal === 'logs.amazonaws.com',
    );
    const [permissionId, permission] = permissions[0] ?? [];

    // Assert
    expect(permissions).toHaveLength(1);
    expect(permission?.Properties).toEqual({
      Action: 'lambda:InvokeFunction',
      FunctionName: { 'Fn::GetAtt': [responderId, 'Arn'] },
      Principal: 'logs.amazonaws.com',
      SourceAccount: { Ref: 'AWS::AccountId' },
      SourceArn: logGroupArn('*'),
    });
    template.hasResource('AWS::Logs::AccountPolicy', { DependsOn: [permissionId] });
  });

  it('allows FilterLogEvents account-wide, the documented trade-off of this mode', () => {
    const lookup = statementWith(roleStatements(template, responderId), 'logs:FilterLogEvents');
    expect(resourcesOf(lookup as Statement)).toEqual([logGroupArn('*')]);
  });

  it('has no Slack secret access or email subscription when none is configured', () => {
    const json = JSON.stringify(template.toJSON());
    expect(json).not.toContain('secretsmanager');
    expect(json).not.toContain(RUNTIME_ENV.slackWebhookSecret);
    template.resourceCountIs('AWS::SNS::Subscription', 0);
  });
});

describe('InvokeDoctorStack options', () => {
  it('grants no log read access at all when contextLookup is off', () => {
    // Arrange
    const { template } = synthesize({ ...exampleConfig(), contextLookup: false });

    // Assert
    expect(JSON.stringify(template.toJSON())).not.toContain('logs:FilterLogEvents');
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ [RUNTIME_ENV.contextLookup]: 'false' }) },
    });
  });

  it('passes incident timing, chat format, retention and concurrency through', () => {
    // Arrange
    const { template } = synthesize({
      accountWide: true,
      snsChatFormat: true,
      incidents: { updateIntervalMinutes: 30, quietPeriodMinutes: 5, resolvedTtlDays: 7 },
      logRetentionDays: 90,
      reservedConcurrency: 5,
    });

    // Assert
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('responder'),
      ReservedConcurrentExecutions: 5,
      Environment: {
        Variables: Match.objectLike({
          [RUNTIME_ENV.chatFormat]: 'true',
          [RUNTIME_ENV.updateIntervalMinutes]: '30',
          [RUNTIME_ENV.quietPeriodMinutes]: '5',
          [RUNTIME_ENV.resolvedTtlDays]: '7',
        }),
      },
    });
    template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 90 });
  });

  it('rejects subscribing its own log group, naming the config field', () => {
    // Act
    const attempt = () =>
      synthesize({
        logGroups: ['/aws/lambda/orders-api', '/invoke-doctor/InvokeDoctor/responder'],
      });

    // Assert
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(
      `${CONFIG_CONTEXT_KEY}.logGroups[1]: "/invoke-doctor/InvokeDoctor/responder" is invoke-doctor's own log group`,
    );
  });

  it('rejects more log groups than the resource policy holds, naming the field', () => {
    const functions = Array.from({ length: 31 }, (_, i) => `fn-${i}`);
    expect(() => synthesize({ functions })).toThrow(
      `${CONFIG_CONTEXT_KEY}.functions[30]: cannot watch "/aws/lambda/fn-30"`,
    );
  });
});

describe('cfn-lint', () => {
  it('reports nothing on either variant', async () => {
    const report = await cfnLint({
      perGroup: perGroup.template,
      accountWide: accountWide.template,
    });
    expect(report).toBe('');
  });
});
