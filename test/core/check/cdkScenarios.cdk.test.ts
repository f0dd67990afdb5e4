/**
 * Templates synthesized from real CDK constructs (pinned aws-cdk-lib): every scenario passes as
 * the CDK builds it, and each rule fails once the grant (or role policy) it needs is taken out.
 */
import { readCheckSources } from '../../../bin/check/readCheckSources';
import type { CheckRuleId } from '../../../lambda/core/check/checkRules';
import { type CloudFormationSource, checkSources } from '../../../lambda/core/check/checkSources';
import type { CheckReport } from '../../../lambda/core/check/runCheck';
import { synthScenarios } from '../../helpers/checkApps';

type Resource = { Type: string; Properties?: Record<string, unknown> };

let sources: CloudFormationSource[];

beforeAll(() => {
  sources = readCheckSources([synthScenarios()]) as CloudFormationSource[];
}, 120_000);

const resourcesOf = (s: CloudFormationSource) => s.template.Resources as Record<string, Resource>;

function stack(name: string): CloudFormationSource {
  const found = sources.find((s) => s.stackName === name);
  if (!found) throw new Error(`no stack ${name}`);
  return found;
}

/** The sources with some resources of one stack removed or changed. */
function mutate(
  name: string,
  change: (resources: Record<string, Resource>) => void,
): CloudFormationSource[] {
  return sources.map((s) => {
    if (s.stackName !== name) return s;
    const template = structuredClone(s.template);
    change(template.Resources as Record<string, Resource>);
    return { ...s, template };
  });
}

const ids = (
  name: string,
  type: string,
  where: (r: Resource, id: string) => boolean = () => true,
) =>
  Object.entries(resourcesOf(stack(name)))
    .filter(([id, r]) => r.Type === type && where(r, id))
    .map(([id]) => id);

const fired = (report: CheckReport) =>
  [...new Set(report.findings.map((f) => `${f.ruleId}/${f.level}/${f.location.stack}`))].sort();

test('as the CDK synthesizes them, every caller has its grant (the cross-account import is a warning)', () => {
  // Act
  const report = checkSources(sources);

  // Assert
  expect(fired(report)).toEqual(['IDC007/warning/RestApiOtherAccount']);
  expect(report.counts.callers).toBeGreaterThanOrEqual(20);
  expect(report.counts.cannotTell).toBe(0);
  // Nested stacks are read from the assembly and their parameters followed.
  expect(sources.map((s) => s.stackName)).toContain(
    'Nested/ApiStackNestedStackApiStackNestedStackResource56E3B9D0',
  );
});

const apigateway = (r: Resource) => r.Properties?.Principal === 'apigateway.amazonaws.com';
const byPrincipal = (principal: string) => (r: Resource) => r.Properties?.Principal === principal;

/** Which grants to remove from which stack, and the one rule that must then fire. */
const CASES: readonly {
  readonly name: string;
  readonly stack: string;
  readonly remove: (r: Resource, id: string) => boolean;
  readonly type?: string;
  readonly rule: CheckRuleId;
  readonly level: 'error' | 'warning';
}[] = [
  {
    name: 'LambdaRestApi',
    stack: 'LambdaRestApi',
    remove: apigateway,
    rule: 'IDC001',
    level: 'error',
  },
  {
    name: 'RestApi + LambdaIntegration on an alias',
    stack: 'RestApiAlias',
    remove: apigateway,
    rule: 'IDC001',
    level: 'error',
  },
  {
    name: 'SpecRestApi with an OpenAPI body',
    stack: 'SpecRestApi',
    remove: apigateway,
    rule: 'IDC001',
    level: 'error',
  },
  {
    name: 'HttpApi routes with HttpLambdaIntegration',
    stack: 'HttpApi',
    remove: (r, id) => apigateway(r) && id.includes('Items'),
    rule: 'IDC001',
    level: 'error',
  },
  {
    name: 'LambdaRestApi in a nested stack',
    stack: 'Nested/ApiStackNestedStackApiStackNestedStackResource56E3B9D0',
    remove: apigateway,
    rule: 'IDC001',
    level: 'error',
  },
  {
    name: 'LambdaRestApi on a function of another stack',
    stack: 'CrossApi',
    remove: apigateway,
    rule: 'IDC001',
    level: 'error',
  },
  {
    name: 'HttpApi Lambda authorizer',
    stack: 'HttpApi',
    remove: (r, id) => apigateway(r) && id.includes('Authorizer'),
    rule: 'IDC002',
    level: 'error',
  },
  {
    name: 'a credentials role without its invoke policy',
    stack: 'CredentialsRole',
    type: 'AWS::IAM::Policy',
    remove: (_, id) => id.startsWith('ApiInvokeRole'),
    rule: 'IDC003',
    level: 'error',
  },
  {
    name: 'stage variables: the beta alias without its grant',
    stack: 'StageVariables',
    remove: (_, id) => id.startsWith('Aliasbeta'),
    rule: 'IDC004',
    level: 'error',
  },
  {
    name: 'a public function URL without lambda:InvokeFunction',
    stack: 'FunctionUrl',
    remove: (r) =>
      r.Properties?.Principal === '*' && r.Properties?.Action === 'lambda:InvokeFunction',
    rule: 'IDC005',
    level: 'error',
  },
  {
    name: 'CloudFront origin access control without lambda:InvokeFunctionUrl',
    stack: 'FunctionUrl',
    remove: (r) =>
      byPrincipal('cloudfront.amazonaws.com')(r) &&
      r.Properties?.Action === 'lambda:InvokeFunctionUrl',
    rule: 'IDC005',
    level: 'error',
  },
  ...['events', 'sns', 's3', 'cognito-idp', 'logs'].map((service) => ({
    name: `the ${service} caller`,
    stack: 'ServiceTargets',
    remove: byPrincipal(`${service}.amazonaws.com`),
    rule: 'IDC006' as const,
    level: 'error' as const,
  })),
  {
    name: 'an imported function of the same account',
    stack: 'RestApiImported',
    remove: apigateway,
    rule: 'IDC007',
    level: 'warning',
  },
];

describe.each(CASES)('$name', ({ stack: name, remove, type, rule, level }) => {
  test(`without it ${rule} fires at level ${level}, and only it`, () => {
    // Arrange
    const removed = ids(name, type ?? 'AWS::Lambda::Permission', remove);
    expect(removed.length).toBeGreaterThan(0);

    // Act
    const report = checkSources(
      mutate(name, (resources) => {
        for (const id of removed) delete resources[id];
      }),
    );

    // Assert
    expect(fired(report)).toEqual(
      [`${rule}/${level}/${name}`, 'IDC007/warning/RestApiOtherAccount'].sort(),
    );
    const finding = report.findings.find((f) => f.ruleId === rule);
    expect(finding?.location.line).toBeGreaterThan(0);
    if (rule !== 'IDC003') {
      expect(finding?.fix?.cloudformation).toContain('Type: AWS::Lambda::Permission');
      expect(finding?.fix?.cdk).toContain('.addPermission(');
    }
  });
});

test('the credentials role must also trust API Gateway', () => {
  // Act
  const report = checkSources(
    mutate('CredentialsRole', (resources) => {
      const role = resources[
        ids('CredentialsRole', 'AWS::IAM::Role', (_, id) =>
          id.startsWith('ApiInvokeRole'),
        )[0] as string
      ] as Resource;
      const doc = role.Properties?.AssumeRolePolicyDocument as {
        Statement: { Principal: unknown }[];
      };
      for (const s of doc.Statement) s.Principal = { Service: 'lambda.amazonaws.com' };
    }),
  );

  // Assert
  const finding = report.findings.find((f) => f.ruleId === 'IDC003');
  expect(finding?.message).toContain('does not trust apigateway.amazonaws.com');
  expect(finding?.fix?.kind).toBe('trust-policy');
});

test('--test-invoke: a LambdaRestApi grant for the deployed stage only fails the console test', () => {
  // Arrange: keep the prod grants, drop the test-invoke-stage ones
  const mutated = mutate('LambdaRestApi', (resources) => {
    for (const id of Object.keys(resources))
      if (id.includes('PermissionTest')) delete resources[id];
  });

  // Act / Assert
  expect(fired(checkSources(mutated))).toEqual(['IDC007/warning/RestApiOtherAccount']);
  const report = checkSources(mutated, { testInvoke: true });
  expect(fired(report)).toContain('IDC001/error/LambdaRestApi');
  expect(report.findings.find((f) => f.ruleId === 'IDC001')?.message).toContain(
    'test-invoke-stage',
  );
});

test('the cross-account import prints the grant its owner must add, with the function ARN', () => {
  const finding = checkSources(sources).findings.find((f) => f.ruleId === 'IDC007');
  expect(finding?.message).toContain(
    'arn:aws:lambda:eu-west-1:444455556666:function:shared-worker',
  );
  expect(finding?.fix?.description).toContain(
    "--function-name 'arn:aws:lambda:eu-west-1:444455556666:function:shared-worker'",
  );
});
