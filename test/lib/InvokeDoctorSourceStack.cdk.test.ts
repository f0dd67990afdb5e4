import { Annotations, Match, type Template } from 'aws-cdk-lib/assertions';
import { FILTER_PATTERN } from '../../lambda/core/constants';
import { MEMBER_READ_ACTIONS } from '../../lib/constructs/InvokeDoctorSource';
import {
  acknowledgements,
  cfnLint,
  nagFindings,
  normalizedTemplate,
  synthesizeOrganisation,
} from '../helpers/synth';

const ORG = 'o-a1b2c3d4e5';
const EXTERNAL_ID = 'invoke-doctor-o-a1b2c3d4e5';
const CENTRAL = '999999999999';
const OWN_LOG_GROUPS = [
  '/invoke-doctor/InvokeDoctor/responder',
  '/invoke-doctor/InvokeDoctor/sweeper',
  '/invoke-doctor/InvokeDoctorCentral/responder',
  '/invoke-doctor/InvokeDoctorCentral/sweeper',
];
const MEMBER_GROUPS = ['API-Gateway-Execution-Logs_k7xw2m9qpd/prod', '/aws/lambda/orders-api'];

const organisation = synthesizeOrganisation({
  accountWide: true,
  central: { organizationId: ORG },
});
const accountsPerGroup = synthesizeOrganisation({
  accountWide: true,
  central: { accountIds: ['111111111111'], account: CENTRAL, memberLogGroups: MEMBER_GROUPS },
});
const organisationReading = synthesizeOrganisation({
  accountWide: true,
  central: { organizationId: ORG, account: CENTRAL, readRole: true, externalId: EXTERNAL_ID },
});
const variants = { organisation, accountsPerGroup, organisationReading } as const;

const LOG_GROUP_ARN = 'arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:';
const EXPECTED_ACKS: Record<keyof typeof variants, string[]> = {
  organisation: [`AwsSolutions-IAM5[Resource::${LOG_GROUP_ARN}*]`],
  accountsPerGroup: [],
  organisationReading: [
    `AwsSolutions-IAM5[Resource::${LOG_GROUP_ARN}*]`,
    'AwsSolutions-IAM5[Resource::*]',
    'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:lambda:<AWS::Region>:<AWS::AccountId>:function:*]',
    'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:apigateway:<AWS::Region>::/restapis/*]',
    'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:apigateway:<AWS::Region>::/apis/*]',
    'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iam::<AWS::AccountId>:role/*]',
    'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iam::<AWS::AccountId>:policy/*]',
    'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iam::aws:policy/*]',
    'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iam::<AWS::AccountId>:user/*]',
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

// Renders an Fn::Join of literals and Refs with the values CloudFormation would substitute.
function rendered(value: unknown, refs: Record<string, string>): string {
  if (typeof value === 'string') return value;
  const join = (value as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  if (join) return join[1].map((part) => rendered(part, refs)).join(join[0]);
  const ref = (value as { Ref?: string }).Ref;
  if (ref !== undefined && ref in refs) return refs[ref] as string;
  const getAtt = (value as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt'];
  if (getAtt) return `<${getAtt.join('.')}>`;
  throw new Error(`cannot render ${JSON.stringify(value)}`);
}

const REFS = {
  'AWS::Partition': 'aws',
  'AWS::Region': 'eu-west-1',
  'AWS::AccountId': '111111111111',
  CentralAccountId: CENTRAL,
};
const DESTINATION = `arn:aws:logs:eu-west-1:${CENTRAL}:destination:invoke-doctor-central`;

function statementsOfRole(template: Template, roleId: string): Statement[] {
  return Object.values(resources(template, 'AWS::IAM::Policy'))
    .filter((p) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: roleId }]))
    .flatMap((p) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
}

function actionsOf(statement: Statement): string[] {
  return Array.isArray(statement.Action) ? statement.Action : [statement.Action];
}

describe.each(Object.entries(variants))('InvokeDoctorSourceStack (%s)', (name, synthesized) => {
  const { source: stack, sourceTemplate: template } = synthesized;

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

  it('matches its snapshot', () => {
    expect(normalizedTemplate(template)).toMatchSnapshot();
  });

  it('deploys as a StackSet: no assets, no bootstrap check, one parameter for the central account', () => {
    // Arrange
    const json = template.toJSON() as {
      Parameters?: Record<string, { Default?: string; AllowedPattern?: string }>;
      Rules?: unknown;
    };

    // Assert
    expect(Object.keys(json.Parameters ?? {})).toEqual(['CentralAccountId']);
    expect(json.Parameters?.CentralAccountId?.AllowedPattern).toBe('^[0-9]{12}$');
    expect(json.Rules).toBeUndefined();
    expect(resources(template, 'AWS::Lambda::Function')).toEqual({});
    expect(JSON.stringify(json)).not.toContain('cdk-bootstrap');
  });
});

describe('member subscription', () => {
  it('is one account-level subscription filter policy to the central destination, excluding invoke-doctor’s own log groups', () => {
    // Arrange
    const policies = Object.values(
      resources(organisation.sourceTemplate, 'AWS::Logs::AccountPolicy'),
    );
    const [roleId] = Object.keys(resources(organisation.sourceTemplate, 'AWS::IAM::Role'));

    // Act
    const policy = policies[0]!.Properties;
    const document = JSON.parse(rendered(policy.PolicyDocument, REFS)) as Record<string, unknown>;

    // Assert
    expect(policies).toHaveLength(1);
    expect(policy).toMatchObject({
      PolicyName: 'invoke-doctor-central',
      PolicyType: 'SUBSCRIPTION_FILTER_POLICY',
      Scope: 'ALL',
      SelectionCriteria: `LogGroupName NOT IN [${OWN_LOG_GROUPS.map((g) => JSON.stringify(g)).join(', ')}]`,
    });
    expect(document).toEqual({
      DestinationArn: DESTINATION,
      FilterPattern: FILTER_PATTERN,
      Distribution: 'Random',
      RoleArn: `<${roleId}.Arn>`,
    });
    expect(resources(organisation.sourceTemplate, 'AWS::Logs::SubscriptionFilter')).toEqual({});
  });

  it('passes CloudWatch Logs a role that may only put log events here, for an organisation destination', () => {
    // Arrange
    const roles = resources(organisation.sourceTemplate, 'AWS::IAM::Role');
    const [roleId, role] = Object.entries(roles)[0]!;
    const trust = (role.Properties.AssumeRolePolicyDocument as { Statement: Statement[] })
      .Statement;

    // Assert
    expect(trust).toEqual([
      { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'logs.amazonaws.com' } },
    ]);
    expect(
      statementsOfRole(organisation.sourceTemplate, roleId).map((s) => [
        actionsOf(s),
        rendered(s.Resource, REFS),
      ]),
    ).toEqual([[['logs:PutLogEvents'], 'arn:aws:logs:eu-west-1:111111111111:log-group:*']]);
  });

  it('subscribes listed log groups one by one, without a role for an accounts destination', () => {
    // Arrange
    const filters = Object.values(
      resources(accountsPerGroup.sourceTemplate, 'AWS::Logs::SubscriptionFilter'),
    ).map((f) => f.Properties);

    // Assert
    expect(filters.map((f) => f.LogGroupName)).toEqual(MEMBER_GROUPS);
    for (const filter of filters) {
      expect(filter).toMatchObject({
        FilterName: 'invoke-doctor-central',
        FilterPattern: FILTER_PATTERN,
        Distribution: 'Random',
      });
      expect(rendered(filter.DestinationArn, REFS)).toBe(DESTINATION);
      expect(filter.RoleArn).toBeUndefined();
    }
    expect(resources(accountsPerGroup.sourceTemplate, 'AWS::Logs::AccountPolicy')).toEqual({});
    expect(resources(accountsPerGroup.sourceTemplate, 'AWS::IAM::Role')).toEqual({});
  });

  it('defaults the CentralAccountId parameter to central.account when it is set', () => {
    const parameters = (template: Template) =>
      (template.toJSON() as { Parameters: Record<string, { Default?: string }> }).Parameters;
    expect(parameters(organisation.sourceTemplate).CentralAccountId?.Default).toBeUndefined();
    expect(parameters(accountsPerGroup.sourceTemplate).CentralAccountId?.Default).toBe(CENTRAL);
  });
});

describe('member read role', () => {
  const template = organisationReading.sourceTemplate;
  const [roleId, role] = Object.entries(resources(template, 'AWS::IAM::Role')).find(
    ([, r]) => r.Properties.RoleName !== undefined,
  )!;

  it('exists only with central.readRole', () => {
    for (const other of [organisation, accountsPerGroup]) {
      const named = Object.values(resources(other.sourceTemplate, 'AWS::IAM::Role')).filter(
        (r) => r.Properties.RoleName !== undefined,
      );
      expect(named).toEqual([]);
    }
  });

  it('trusts only the central responder role, with the external id, for an hour at most', () => {
    // Arrange
    const trust = (role.Properties.AssumeRolePolicyDocument as { Statement: Statement[] })
      .Statement;

    // Assert
    expect(rendered(role.Properties.RoleName, REFS)).toBe('invoke-doctor-read-eu-west-1');
    expect(role.Properties.MaxSessionDuration).toBe(3600);
    expect(trust).toHaveLength(1);
    const statement = trust[0]!;
    expect(statement.Effect).toBe('Allow');
    expect(statement.Action).toBe('sts:AssumeRole');
    expect(rendered((statement.Principal as { AWS: unknown }).AWS, REFS)).toBe(
      `arn:aws:iam::${CENTRAL}:root`,
    );
    expect(statement.Condition?.StringEquals).toEqual({ 'sts:ExternalId': EXTERNAL_ID });
    expect(rendered(statement.Condition?.ArnEquals?.['aws:PrincipalArn'], REFS)).toBe(
      `arn:aws:iam::${CENTRAL}:role/invoke-doctor-central-responder-eu-west-1`,
    );
  });

  it('grants exactly the read actions of live verification, nothing that writes', () => {
    // Arrange
    const statements = statementsOfRole(template, roleId);
    const actions = statements.flatMap(actionsOf).sort();

    // Assert
    expect(actions).toEqual(Object.values(MEMBER_READ_ACTIONS).flat().sort());
    expect(actions).toEqual(
      [
        'apigateway:GET',
        'cloudtrail:LookupEvents',
        'iam:GetPolicy',
        'iam:GetPolicyVersion',
        'iam:GetRole',
        'iam:GetRolePolicy',
        'iam:ListAttachedRolePolicies',
        'iam:ListRolePolicies',
        'iam:SimulatePrincipalPolicy',
        'lambda:GetAlias',
        'lambda:GetFunction',
        'lambda:GetFunctionConfiguration',
        'lambda:GetFunctionUrlConfig',
        'lambda:GetPolicy',
      ].sort(),
    );
    const lambda = statements.find((s) => actionsOf(s).includes('lambda:GetPolicy'))!;
    expect(rendered(lambda.Resource, REFS)).toBe(
      'arn:aws:lambda:eu-west-1:111111111111:function:*',
    );
  });
});

describe('member templates', () => {
  it('are cfn-lint clean', async () => {
    const report = await cfnLint({
      organisation: organisation.sourceTemplate,
      accountsPerGroup: accountsPerGroup.sourceTemplate,
      organisationReading: organisationReading.sourceTemplate,
    });
    expect(report).toBe('');
  }, 120_000);
});
