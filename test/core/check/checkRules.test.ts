/**
 * Rules read from small templates written for each case: the policy-size budget (IDC008), a
 * function replaced between two versions of a template (IDC009), inputs the check cannot read
 * (IDC010), conditional grants, Regional CloudWatch Logs principals and literal accounts.
 * Each rule fails without what it asks for and passes with it.
 */

import { CHECK_RULE_IDS, CHECK_RULES } from '../../../lambda/core/check/checkRules';
import {
  type CheckOptions,
  type CloudFormationSource,
  checkSources,
} from '../../../lambda/core/check/checkSources';

type Resources = Record<string, unknown>;

const source = (
  resources: Resources,
  extra: Record<string, unknown> = {},
): CloudFormationSource => ({
  kind: 'cloudformation',
  id: 't',
  file: 't.json',
  stackName: 'App',
  template: { ...extra, Resources: resources },
});

const check = (
  resources: Resources,
  options: CheckOptions = {},
  extra: Record<string, unknown> = {},
) => checkSources([source(resources, extra)], options);

const fn = { Type: 'AWS::Lambda::Function', Properties: {} };
const rule = (id: string, extra: Record<string, unknown> = {}) => ({
  Type: 'AWS::Events::Rule',
  Properties: { Name: id, Targets: [{ Arn: { 'Fn::GetAtt': ['Fn', 'Arn'] }, Id: 't' }] },
  ...extra,
});
const grant = (sourceArn: unknown, extra: Record<string, unknown> = {}) => ({
  Type: 'AWS::Lambda::Permission',
  Properties: {
    Action: 'lambda:InvokeFunction',
    FunctionName: { Ref: 'Fn' },
    Principal: 'events.amazonaws.com',
    SourceArn: sourceArn,
    ...extra,
  },
});

test('every rule has a stable id, a name, a level and both descriptions', () => {
  for (const id of CHECK_RULE_IDS) {
    expect(CHECK_RULES[id]).toMatchObject({ id, name: expect.stringMatching(/^[a-z-]+$/) });
    expect(CHECK_RULES[id].summary.length).toBeGreaterThan(40);
    expect(CHECK_RULES[id].explanation.length).toBeGreaterThan(20);
  }
});

describe('IDC008 policy-size', () => {
  // One grant per rule, as per-route grants accumulate on one function.
  const many = (count: number): Resources => {
    const resources: Resources = { Fn: fn };
    for (let i = 0; i < count; i++) {
      resources[`Rule${i}`] = rule(`nightly-report-generation-rule-${i}`);
      resources[`Grant${i}`] = grant({ 'Fn::GetAtt': [`Rule${i}`, 'Arn'] });
    }
    return resources;
  };

  test('fails above 20 KB of estimated policy', () => {
    const findings = check(many(80)).findings.filter((f) => f.ruleId === 'IDC008');
    expect(findings).toHaveLength(1);
    expect(findings[0]?.message).toMatch(/estimated at [\d,]+ bytes from its 80 grants/);
  });

  test('passes below it', () => {
    expect(check(many(20)).findings).toEqual([]);
  });
});

describe('IDC009 replaced-function with a baseline', () => {
  const version = (name: string, grantName: unknown): Resources => ({
    Fn: { Type: 'AWS::Lambda::Function', Properties: { FunctionName: name } },
    Topic: { Type: 'AWS::SNS::Topic', Properties: {} },
    Grant: {
      Type: 'AWS::Lambda::Permission',
      Properties: {
        Action: 'lambda:InvokeFunction',
        FunctionName: grantName,
        Principal: 'sns.amazonaws.com',
        SourceArn: { Ref: 'Topic' },
      },
    },
  });

  test('fails when the function is renamed and a grant names the old function by a literal', () => {
    // Act
    const report = checkSources([source(version('orders-v2', 'orders-v1'))], {}, [
      source(version('orders-v1', 'orders-v1')),
    ]);

    // Assert
    const [finding] = report.findings.filter((f) => f.ruleId === 'IDC009');
    expect(finding).toMatchObject({ level: 'error', location: { resource: 'Grant' } });
    expect(finding?.message).toContain('FunctionName changed');
  });

  test('passes when the grant refers to the function, so CloudFormation replaces it too', () => {
    const report = checkSources([source(version('orders-v2', { Ref: 'Fn' }))], {}, [
      source(version('orders-v1', { Ref: 'Fn' })),
    ]);
    expect(report.findings.filter((f) => f.ruleId === 'IDC009')).toEqual([]);
  });
});

describe('IDC010 not-checked', () => {
  test('an API definition in S3 is reported, never passed silently', () => {
    const report = check({
      Api: {
        Type: 'AWS::ApiGateway::RestApi',
        Properties: { BodyS3Location: { Bucket: 'b', Key: 'k' } },
      },
    });
    expect(report.findings.map((f) => [f.ruleId, f.kind])).toEqual([['IDC010', 'cannot-tell']]);
  });

  test('an inline definition is read instead', () => {
    const report = check({
      Fn: fn,
      Api: {
        Type: 'AWS::ApiGateway::RestApi',
        Properties: {
          Body: {
            swagger: '2.0',
            paths: {
              '/x': {
                get: {
                  'x-amazon-apigateway-integration': {
                    type: 'aws_proxy',
                    uri: {
                      'Fn::Sub':
                        'arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Fn.Arn}/invocations',
                    },
                  },
                },
              },
            },
          },
        },
      },
    });
    expect(report.findings.map((f) => f.ruleId)).toEqual(['IDC001']);
  });
});

describe('what the check cannot decide is reported as cannot-tell', () => {
  test('a grant that exists only under an undecided condition', () => {
    // Act
    const report = check(
      { Fn: fn, Rule: rule('r'), Grant: grant({ 'Fn::GetAtt': ['Rule', 'Arn'] }, {}) },
      {},
      {
        Parameters: { Env: { Type: 'String' } },
        Conditions: { Prod: { 'Fn::Equals': [{ Ref: 'Env' }, 'prod'] } },
      },
    );

    // Assert: unconditional here, so allowed; now make the grant conditional.
    expect(report.findings).toEqual([]);
    const conditional = check(
      {
        Fn: fn,
        Rule: rule('r'),
        Grant: { ...grant({ 'Fn::GetAtt': ['Rule', 'Arn'] }), Condition: 'Prod' },
      },
      {},
      {
        Parameters: { Env: { Type: 'String' } },
        Conditions: { Prod: { 'Fn::Equals': [{ Ref: 'Env' }, 'prod'] } },
      },
    );
    expect(conditional.findings[0]).toMatchObject({ ruleId: 'IDC006', kind: 'cannot-tell' });
    expect(conditional.findings[0]?.message).toContain('Grant exists only if condition Prod holds');
    // With the parameter given, the condition is decided.
    const prod = check(
      {
        Fn: fn,
        Rule: rule('r'),
        Grant: { ...grant({ 'Fn::GetAtt': ['Rule', 'Arn'] }), Condition: 'Prod' },
      },
      { parameters: { Env: 'prod' } },
      {
        Parameters: { Env: { Type: 'String' } },
        Conditions: { Prod: { 'Fn::Equals': [{ Ref: 'Env' }, 'prod'] } },
      },
    );
    expect(prod.findings).toEqual([]);
  });

  test('a grant with a literal account is decided once --account says where the stack deploys', () => {
    // Arrange
    const resources = {
      Fn: fn,
      Rule: rule('r'),
      Grant: grant({ 'Fn::GetAtt': ['Rule', 'Arn'] }, { SourceAccount: '111122223333' }),
    };

    // Act / Assert
    expect(check(resources).findings[0]?.message).toContain(
      'allowed only if ${AWS::AccountId} is 111122223333',
    );
    expect(check(resources, { account: '111122223333' }).findings).toEqual([]);
    expect(check(resources, { account: '444455556666' }).findings[0]).toMatchObject({
      ruleId: 'IDC006',
      kind: 'fail',
    });
  });

  test('a CloudWatch Logs grant to the Regional principal also covers the subscription', () => {
    const report = check(
      {
        Fn: fn,
        Filter: {
          Type: 'AWS::Logs::SubscriptionFilter',
          Properties: {
            LogGroupName: '/app',
            DestinationArn: { 'Fn::GetAtt': ['Fn', 'Arn'] },
            FilterPattern: '',
          },
        },
        Grant: grant(
          {
            'Fn::Sub':
              'arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/app:*',
          },
          { Principal: 'logs.eu-west-1.amazonaws.com' },
        ),
      },
      { region: 'eu-west-1' },
    );
    expect(report.findings).toEqual([]);
  });
});

describe('IDC001 on a WebSocket API', () => {
  // A $connect route to a function, as AWS::ApiGatewayV2 resources.
  const websocket = (sourceArn: string): Resources => ({
    Fn: fn,
    Api: {
      Type: 'AWS::ApiGatewayV2::Api',
      Properties: { ProtocolType: 'WEBSOCKET', RouteSelectionExpression: '$request.body.action' },
    },
    Integration: {
      Type: 'AWS::ApiGatewayV2::Integration',
      Properties: {
        ApiId: { Ref: 'Api' },
        IntegrationType: 'AWS_PROXY',
        IntegrationUri: {
          'Fn::Sub':
            'arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Fn.Arn}/invocations',
        },
      },
    },
    Connect: {
      Type: 'AWS::ApiGatewayV2::Route',
      Properties: {
        ApiId: { Ref: 'Api' },
        RouteKey: '$connect',
        Target: { 'Fn::Join': ['/', ['integrations', { Ref: 'Integration' }]] },
      },
    },
    Stage: {
      Type: 'AWS::ApiGatewayV2::Stage',
      Properties: { ApiId: { Ref: 'Api' }, StageName: 'prod' },
    },
    Grant: {
      Type: 'AWS::Lambda::Permission',
      Properties: {
        Action: 'lambda:InvokeFunction',
        FunctionName: { Ref: 'Fn' },
        Principal: 'apigateway.amazonaws.com',
        SourceArn: { 'Fn::Sub': sourceArn },
      },
    },
  });

  test('a grant for the route key on every stage passes', () => {
    const report = check(
      websocket(
        'arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${Api}/*/$connect',
      ),
    );
    expect(report).toMatchObject({ findings: [], counts: { callers: 1, allowed: 1 } });
  });

  test('a grant for another route key fails, naming the route', () => {
    const [finding] = check(
      websocket(
        'arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${Api}/*/$default',
      ),
    ).findings;
    expect(finding).toMatchObject({
      ruleId: 'IDC001',
      level: 'error',
      location: { resource: 'Connect' },
    });
    expect(finding?.message).toContain('WebSocket API Api: $connect');
    expect(finding?.fix?.cloudformation).toContain('${Api}/*/$connect');
  });
});
