/**
 * Property over every grant of every synthesized scenario: the scenarios pass as built, and
 * removing any one grant makes exactly the rule of the caller it served fire, or nothing when
 * another grant of the same function already covers everything it covered (CDK adds such
 * overlapping grants: a LambdaRestApi's proxy grant covers its root method too).
 */
import { readCheckSources } from '../../../bin/check/readCheckSources';
import type { CheckRuleId } from '../../../lambda/core/check/checkRules';
import { type CloudFormationSource, checkSources } from '../../../lambda/core/check/checkSources';
import { synthScenarios } from '../../helpers/checkApps';

type Resource = { Type: string; Properties: Record<string, unknown> };

const sources = readCheckSources([synthScenarios()]) as CloudFormationSource[];
// With the console's test invoke required, the test-invoke-stage grants CDK adds serve a caller too.
const OPTIONS = { testInvoke: true };
const baseline = checkSources(sources, OPTIONS);
const key = (f: {
  ruleId: string;
  location: { stack?: string | undefined; resource: string };
  message: string;
}) => `${f.ruleId} ${f.location.stack} ${f.location.resource} ${f.message}`;
const before = new Set(baseline.findings.map(key));

/** A template value as text, intrinsics kept as their JSON, to compare grants without the engine. */
function flat(value: unknown): string {
  if (typeof value === 'string') return value;
  const join = (value as { 'Fn::Join'?: [string, unknown[]] })?.['Fn::Join'];
  if (join) return join[1].map(flat).join(join[0]);
  return JSON.stringify(value);
}

const glob = (pattern: string) =>
  new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);

/** Whether another grant on the same function, principal and action covers this one's source ARN. */
function redundant(stack: CloudFormationSource, id: string, grant: Resource): boolean {
  const resources = stack.template.Resources as Record<string, Resource>;
  return Object.entries(resources).some(
    ([otherId, other]) =>
      otherId !== id &&
      other.Type === 'AWS::Lambda::Permission' &&
      flat(other.Properties.FunctionName) === flat(grant.Properties.FunctionName) &&
      other.Properties.Principal === grant.Properties.Principal &&
      other.Properties.Action === grant.Properties.Action &&
      glob(flat(other.Properties.SourceArn ?? '*')).test(flat(grant.Properties.SourceArn ?? '')),
  );
}

/** The rule of the caller a grant serves, read from the template alone; null when none relies on it. */
function expectedRule(source: CloudFormationSource, grant: Resource): CheckRuleId | null {
  const stack = source.stackName ?? '';
  const principal = grant.Properties.Principal;
  if (stack === 'CredentialsRole') return null; // the integration invokes with its role
  if (principal === 'apigateway.amazonaws.com') {
    if (stack === 'StageVariables') return 'IDC004';
    if (stack === 'RestApiImported') {
      // The function is imported: with no grant left for it here, its owner must add one (IDC007);
      // with another grant still here, this template manages its grants and one is missing.
      const onIt = Object.values(source.template.Resources as Record<string, Resource>).filter(
        (r) =>
          r.Type === 'AWS::Lambda::Permission' &&
          flat(r.Properties.FunctionName) === flat(grant.Properties.FunctionName),
      );
      return onIt.length > 1 ? 'IDC001' : 'IDC007';
    }
    return flat(grant.Properties.SourceArn).includes('/authorizers/') ? 'IDC002' : 'IDC001';
  }
  if (principal === '*' || principal === 'cloudfront.amazonaws.com') return 'IDC005';
  return 'IDC006';
}

const grants = sources.flatMap((stack) =>
  Object.entries(stack.template.Resources as Record<string, Resource>)
    .filter(([, r]) => r.Type === 'AWS::Lambda::Permission')
    .map(([id, grant]) => ({ stack, id, grant })),
);

test('the scenarios hold grants for every kind of caller', () => {
  const rules = new Set(grants.map((g) => expectedRule(g.stack, g.grant)));
  expect([...rules].map(String).sort()).toEqual(
    ['IDC001', 'IDC002', 'IDC004', 'IDC005', 'IDC006', 'null'].sort(),
  );
  expect(grants.length).toBeGreaterThanOrEqual(30);
});

test.each(grants.map((g) => [`${g.stack.stackName}/${g.id}`, g] as const))(
  'removing %s fires exactly the rule of its caller',
  (_, { stack, id, grant }) => {
    // Arrange
    const mutated = sources.map((s) => {
      if (s !== stack) return s;
      const template = structuredClone(s.template);
      delete (template.Resources as Record<string, unknown>)[id];
      return { ...s, template };
    });

    // Act
    const report = checkSources(mutated, OPTIONS);

    // Assert
    const fired = [
      ...new Set(report.findings.filter((f) => !before.has(key(f))).map((f) => f.ruleId)),
    ];
    const rule = expectedRule(stack, grant);
    expect(fired).toEqual(rule === null || redundant(stack, id, grant) ? [] : [rule]);
  },
);
