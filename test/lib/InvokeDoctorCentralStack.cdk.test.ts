import { Annotations, Match, type Template } from 'aws-cdk-lib/assertions';
import { MAX_DESTINATION_POLICY_BYTES } from '../../lambda/core/constants';
import { SETTINGS } from '../../lambda/core/settings';
import { MAX_LISTED_ACCOUNTS } from '../../lib/config';
import { STREAM_RETRY_ATTEMPTS } from '../../lib/constructs/InvokeDoctor';
import { destinationPolicy } from '../../lib/constructs/InvokeDoctorCentral';
import { RUNTIME_ENV } from '../helpers/runtimeEnv';
import {
  acknowledgements,
  cfnLint,
  nagFindings,
  normalizedTemplate,
  type SynthesizedOrganisation,
  synthesizeOrganisation,
} from '../helpers/synth';

const ORG = 'o-a1b2c3d4e5';
const MEMBERS = ['111111111111', '222222222222'];
const EXTERNAL_ID = 'invoke-doctor-o-a1b2c3d4e5';

// Each variant is synthesized once and shared by the tests below.
const organisation: SynthesizedOrganisation = synthesizeOrganisation({
  accountWide: true,
  central: { organizationId: ORG },
});
const accounts: SynthesizedOrganisation = synthesizeOrganisation({
  accountWide: true,
  alarmEmails: ['oncall@example.com'],
  central: {
    accountIds: MEMBERS,
    shards: 4,
    batchSize: 500,
    batchWindowSeconds: 1,
    parallelizationFactor: 3,
    maxRecordAgeHours: 1,
    readRole: true,
    externalId: EXTERNAL_ID,
  },
});
const organisationReading: SynthesizedOrganisation = synthesizeOrganisation({
  accountWide: true,
  central: { organizationId: ORG, readRole: true, externalId: EXTERNAL_ID },
});
const variants = { organisation, accounts, organisationReading } as const;

// Every cdk-nag acknowledgement of the central stack, per variant: a new one must be added on purpose.
const COMMON_ACKS = [
  'AwsSolutions-IAM5[Resource::*]',
  'AwsSolutions-SQS3',
  'Serverless-LambdaDLQ',
  'Serverless-SQSRedrivePolicy',
];
const EXPECTED_ACKS: Record<keyof typeof variants, string[]> = {
  organisation: COMMON_ACKS,
  accounts: COMMON_ACKS,
  organisationReading: [
    ...COMMON_ACKS,
    'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iam::*:role/invoke-doctor-read-<AWS::Region>]',
  ],
};

interface Statement {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Condition?: Record<string, Record<string, unknown>>;
  readonly Principal?: unknown;
}

type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;

function resources(template: Template, type: string): Resources {
  return template.findResources(type) as Resources;
}

function only(template: Template, type: string): [string, Record<string, unknown>] {
  const found = Object.entries(resources(template, type));
  expect(found).toHaveLength(1);
  const [id, resource] = found[0]!;
  return [id, resource.Properties];
}

function actionsOf(statement: Statement): string[] {
  return Array.isArray(statement.Action) ? statement.Action : [statement.Action];
}

function policyStatementsOfRole(template: Template, roleId: string): Statement[] {
  return Object.values(resources(template, 'AWS::IAM::Policy'))
    .filter((p) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: roleId }]))
    .flatMap((p) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
}

function responder(template: Template): [string, Record<string, unknown>] {
  const found = Object.entries(resources(template, 'AWS::Lambda::Function')).find(([, r]) =>
    String(r.Properties.Description).startsWith('invoke-doctor central responder'),
  );
  if (!found) throw new Error('no central responder');
  return [found[0], found[1].Properties];
}

// The destination policy text with the pseudo parameters CloudFormation substitutes.
function renderedPolicy(template: Template, values: Record<string, string>): unknown {
  const [, destination] = only(template, 'AWS::Logs::Destination');
  const join = (destination.DestinationPolicy as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
  const text = join[1]
    .map((part) => (typeof part === 'string' ? part : values[(part as { Ref: string }).Ref]))
    .join(join[0]);
  return JSON.parse(text);
}

const PSEUDO = {
  'AWS::Partition': 'aws',
  'AWS::Region': 'eu-west-1',
  'AWS::AccountId': '999999999999',
};

describe.each(Object.entries(variants))('InvokeDoctorCentralStack (%s)', (name, synthesized) => {
  const { central: stack, centralTemplate: template } = synthesized;

  it('has no unacknowledged cdk-nag finding (AwsSolutions, Serverless)', () => {
    expect(nagFindings(stack)).toEqual([]);
  });

  it('acknowledges exactly the expected cdk-nag rules, each with a reason', () => {
    const acks = acknowledgements(stack);
    expect([...acks.keys()].sort()).toEqual(
      [...EXPECTED_ACKS[name as keyof typeof variants]].sort(),
    );
    for (const reason of acks.values()) expect(reason.length).toBeGreaterThan(40);
  });

  it('synthesizes without CDK errors or warnings', () => {
    expect(Annotations.fromStack(stack).findError('*', Match.anyValue())).toEqual([]);
    expect(Annotations.fromStack(stack).findWarning('*', Match.anyValue())).toEqual([]);
  });

  it('matches its snapshot (asset hashes normalised)', () => {
    expect(normalizedTemplate(template)).toMatchSnapshot();
  });

  it('creates a destination on the stream, written by a role only CloudWatch Logs assumes', () => {
    // Arrange
    const [streamId, stream] = only(template, 'AWS::Kinesis::Stream');
    const [, destination] = only(template, 'AWS::Logs::Destination');
    const roleId = (destination.RoleArn as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0];
    const role = resources(template, 'AWS::IAM::Role')[roleId]!.Properties;
    const trust = (role.AssumeRolePolicyDocument as { Statement: Statement[] }).Statement;

    // Assert
    expect(stream.StreamEncryption).toEqual({ EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' });
    expect(destination).toMatchObject({
      DestinationName: 'invoke-doctor-central',
      TargetArn: { 'Fn::GetAtt': [streamId, 'Arn'] },
    });
    expect(trust).toHaveLength(1);
    expect(trust[0]).toMatchObject({
      Effect: 'Allow',
      Action: 'sts:AssumeRole',
      Principal: { Service: 'logs.amazonaws.com' },
    });
    expect(Object.keys(trust[0]!.Condition?.StringLike ?? {})).toEqual(['aws:SourceArn']);
    expect(policyStatementsOfRole(template, roleId).map((s) => [actionsOf(s), s.Resource])).toEqual(
      [
        [['kinesis:PutRecord'], { 'Fn::GetAtt': [streamId, 'Arn'] }],
        [['iam:PassRole'], { 'Fn::GetAtt': [roleId, 'Arn'] }],
      ],
    );
  });

  it('consumes the stream with partial batch responses, bisection, a retry limit, a record age and the failure queue', () => {
    // Arrange
    const [responderId] = responder(template);
    const [streamId] = only(template, 'AWS::Kinesis::Stream');
    const [queueId] = only(template, 'AWS::SQS::Queue');
    const [, mapping] = only(template, 'AWS::Lambda::EventSourceMapping');

    // Assert
    expect(mapping).toMatchObject({
      FunctionName: { Ref: responderId },
      EventSourceArn: { 'Fn::GetAtt': [streamId, 'Arn'] },
      StartingPosition: 'TRIM_HORIZON',
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: STREAM_RETRY_ATTEMPTS,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queueId, 'Arn'] } } },
    });
  });

  it('runs the stream handler with no access to any log group and no log subscription of its own', () => {
    // Arrange
    const [responderId, fn] = responder(template);
    const roleId = (fn.Role as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0];
    const actions = policyStatementsOfRole(template, roleId).flatMap(actionsOf);
    const vars = (fn.Environment as { Variables: Record<string, unknown> }).Variables;

    // Assert
    expect(responderId).toMatch(/Responder/);
    expect(actions).not.toContain('logs:FilterLogEvents');
    expect(vars[RUNTIME_ENV.contextLookup]).toBe('false');
    expect(resources(template, 'AWS::Logs::SubscriptionFilter')).toEqual({});
    expect(resources(template, 'AWS::Logs::AccountPolicy')).toEqual({});
    for (const permission of Object.values(resources(template, 'AWS::Lambda::Permission'))) {
      expect(permission.Properties.Principal).not.toBe('logs.amazonaws.com');
    }
    expect(
      (
        resources(template, 'AWS::IAM::Role')[roleId]!.Properties.RoleName as {
          'Fn::Join': unknown;
        }
      )['Fn::Join'],
    ).toEqual(['', ['invoke-doctor-central-responder-', { Ref: 'AWS::Region' }]]);
  });

  it('alarms when the responder falls behind the stream', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'IteratorAge',
      Namespace: 'AWS/Lambda',
      Threshold: 300_000,
      Statistic: 'Maximum',
    });
  });
});

describe('the central destination policy', () => {
  it('admits the organisation through aws:PrincipalOrgID, for both kinds of subscription', () => {
    expect(renderedPolicy(organisation.centralTemplate, PSEUDO)).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'InvokeDoctorOrganization',
          Effect: 'Allow',
          Principal: '*',
          Action: ['logs:PutSubscriptionFilter', 'logs:PutAccountPolicy'],
          Resource: 'arn:aws:logs:eu-west-1:999999999999:destination:invoke-doctor-central',
          Condition: { StringEquals: { 'aws:PrincipalOrgID': [ORG] } },
        },
      ],
    });
  });

  it('admits exactly the listed accounts otherwise', () => {
    expect(renderedPolicy(accounts.centralTemplate, PSEUDO)).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'InvokeDoctorAccounts',
          Effect: 'Allow',
          Principal: { AWS: MEMBERS },
          Action: ['logs:PutSubscriptionFilter', 'logs:PutAccountPolicy'],
          Resource: 'arn:aws:logs:eu-west-1:999999999999:destination:invoke-doctor-central',
        },
      ],
    });
  });

  it('stays within the size CloudWatch Logs accepts for as many accounts as the configuration allows', () => {
    // Arrange: the longest partition and Region names a destination ARN can have.
    const arn = 'arn:aws-us-gov:logs:ap-southeast-7:999999999999:destination:invoke-doctor-central';
    const accountIds = Array.from({ length: MAX_LISTED_ACCOUNTS }, (_, i) =>
      String(100000000000 + i),
    );
    // Act
    const bytes = Buffer.byteLength(JSON.stringify(destinationPolicy({ accountIds }, arn)));
    // Assert
    expect(bytes).toBeLessThanOrEqual(MAX_DESTINATION_POLICY_BYTES);
    expect(MAX_LISTED_ACCOUNTS).toBeGreaterThan(250);
  });

  it('limits the CloudWatch Logs role to the listed accounts and this one when accounts are listed', () => {
    // Arrange
    const [, destination] = only(accounts.centralTemplate, 'AWS::Logs::Destination');
    const roleId = (destination.RoleArn as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0];
    const role = resources(accounts.centralTemplate, 'AWS::IAM::Role')[roleId]!.Properties;
    const trust = (role.AssumeRolePolicyDocument as { Statement: Statement[] }).Statement[0]!;
    const arns = trust.Condition?.StringLike?.['aws:SourceArn'] as unknown[];
    const account = (part: unknown) => JSON.stringify(part);

    // Assert
    expect(arns).toHaveLength(3);
    expect(account(arns[0])).toContain(':111111111111:*');
    expect(account(arns[1])).toContain(':222222222222:*');
    expect(account(arns[2])).toContain('"Ref":"AWS::AccountId"');
  });
});

describe('central stream and consumer settings', () => {
  it('is on-demand by default, with the settings table defaults for the consumer', () => {
    const [, stream] = only(organisation.centralTemplate, 'AWS::Kinesis::Stream');
    const [, mapping] = only(organisation.centralTemplate, 'AWS::Lambda::EventSourceMapping');
    expect(stream.StreamModeDetails).toEqual({ StreamMode: 'ON_DEMAND' });
    expect(stream.ShardCount).toBeUndefined();
    expect(mapping).toMatchObject({
      BatchSize: SETTINGS.centralBatchSize.default,
      MaximumBatchingWindowInSeconds: SETTINGS.centralBatchWindowSeconds.default,
      ParallelizationFactor: SETTINGS.centralParallelizationFactor.default,
      MaximumRecordAgeInSeconds: SETTINGS.centralMaxRecordAgeHours.default * 3600,
    });
  });

  it('takes provisioned shards and the consumer settings from central.*', () => {
    const [, stream] = only(accounts.centralTemplate, 'AWS::Kinesis::Stream');
    const [, mapping] = only(accounts.centralTemplate, 'AWS::Lambda::EventSourceMapping');
    expect(stream).toMatchObject({
      StreamModeDetails: { StreamMode: 'PROVISIONED' },
      ShardCount: 4,
    });
    expect(mapping).toMatchObject({
      BatchSize: 500,
      MaximumBatchingWindowInSeconds: 1,
      ParallelizationFactor: 3,
      MaximumRecordAgeInSeconds: 3600,
    });
  });
});

describe('central responder access to member read roles', () => {
  function assumeStatements(synthesized: SynthesizedOrganisation): Statement[] {
    const [, fn] = responder(synthesized.centralTemplate);
    const roleId = (fn.Role as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0];
    return policyStatementsOfRole(synthesized.centralTemplate, roleId).filter((s) =>
      actionsOf(s).includes('sts:AssumeRole'),
    );
  }

  it('has none without central.readRole', () => {
    const [, fn] = responder(organisation.centralTemplate);
    expect(assumeStatements(organisation)).toEqual([]);
    expect((fn.Environment as { Variables: Record<string, unknown> }).Variables).not.toHaveProperty(
      RUNTIME_ENV.centralExternalId,
    );
  });

  it('assumes exactly the listed accounts’ read roles, with the external id in its environment', () => {
    const [, fn] = responder(accounts.centralTemplate);
    const [statement] = assumeStatements(accounts);
    expect(JSON.stringify(statement?.Resource)).toContain(
      ':iam::111111111111:role/invoke-doctor-read-',
    );
    expect(JSON.stringify(statement?.Resource)).toContain(
      ':iam::222222222222:role/invoke-doctor-read-',
    );
    expect(statement?.Condition).toBeUndefined();
    expect((fn.Environment as { Variables: Record<string, unknown> }).Variables).toMatchObject({
      [RUNTIME_ENV.centralExternalId]: EXTERNAL_ID,
    });
  });

  it('assumes read roles of the organisation only (aws:ResourceOrgID)', () => {
    const [statement] = assumeStatements(organisationReading);
    expect(statement?.Condition).toEqual({ StringEquals: { 'aws:ResourceOrgID': ORG } });
  });
});

describe('central templates', () => {
  it('are cfn-lint clean', async () => {
    const report = await cfnLint({
      organisation: organisation.centralTemplate,
      accounts: accounts.centralTemplate,
      organisationReading: organisationReading.centralTemplate,
    });
    expect(report).toBe('');
  }, 120_000);
});
