/**
 * SAM templates from the SAM translator's own test suite, each with the CloudFormation the
 * translator produced for it (what SAM really deploys): the check must reach the same verdicts on
 * the SAM input (expanded by expandSam) as on the translator's output, and the verdicts must be
 * the ones SAM's behaviour implies.
 */
import { join } from 'node:path';
import { readCheckSources } from '../../../bin/check/readCheckSources';
import { checkSources } from '../../../lambda/core/check/checkSources';
import type { CheckReport } from '../../../lambda/core/check/runCheck';
import { EVENTS_DIR } from '../../helpers/paths';

const SAM_DIR = join(EVENTS_DIR, 'check', 'sam');

/** Translator fixtures: what the check must report on both the input and the output. */
const FIXTURES: readonly {
  readonly name: string;
  readonly callers: number;
  readonly findings: readonly string[];
}[] = [
  // Every event grant targets the alias: API, schedule, CloudWatch Events, EventBridge, SNS, S3,
  // Logs and IoT callers all allowed; the explicit API's definition lives in S3.
  { name: 'function_with_alias_and_event_sources', callers: 8, findings: ['IDC010/cannot-tell'] },
  { name: 'explicit_http_api_default_path', callers: 2, findings: [] },
  // REST Lambda authorizers get an `/authorizers/*` grant from SAM.
  { name: 'api_with_auth_all_minimum', callers: 10, findings: [] },
  // Both statements for AuthType NONE since October 2025.
  { name: 'function_with_function_url_config', callers: 1, findings: [] },
  { name: 'function_with_function_url_config_and_autopublishalias', callers: 1, findings: [] },
  // HTTP API Lambda authorizers get no grant unless EnableFunctionDefaultPermissions is true.
  { name: 'http_api_lambda_auth', callers: 4, findings: ['IDC002/fail'] },
  // One authorizer opts in (its `/authorizers/*` grant covers the others on the same function);
  // another invokes with the function's own execution role, which trusts only Lambda.
  { name: 'http_api_lambda_auth_with_permissions_resource', callers: 5, findings: ['IDC003/fail'] },
  { name: 'explicit_http_api', callers: 2, findings: [] },
  { name: 'api_with_path_parameters', callers: 0, findings: ['IDC010/cannot-tell'] },
];

function check(file: string): CheckReport {
  // The translator's outputs hard-code `arn:aws:` where it was run without a Region.
  return checkSources(readCheckSources([join(SAM_DIR, file)]), { partition: 'aws' });
}

const verdicts = (r: CheckReport) => r.findings.map((f) => `${f.ruleId}/${f.kind}`).sort();

describe.each(FIXTURES)('SAM translator fixture $name', ({ name, callers, findings }) => {
  const input = check(`${name}.yaml`);
  const output = check(`${name}.json`);

  test('the translator output gives the expected verdicts', () => {
    expect(output.counts.callers).toBe(callers);
    expect(verdicts(output)).toEqual([...findings].sort());
  });

  test('the SAM input, expanded by the check, gives the same verdicts as the translator output', () => {
    expect(input.counts).toEqual(
      expect.objectContaining({
        callers: output.counts.callers,
        allowed: output.counts.allowed,
        failed: output.counts.failed,
        cannotTell: output.counts.cannotTell,
      }),
    );
    expect(verdicts(input)).toEqual(verdicts(output));
  });
});

test('findings on the SAM input point at the SAM resource the user wrote, with its line', () => {
  // Act
  const report = check('http_api_lambda_auth.yaml');

  // Assert
  const [finding] = report.findings;
  expect(finding?.location).toMatchObject({ resource: 'MyApi', line: 34 });
  expect(finding?.message).toContain('authorizer LambdaAuth');
  expect(finding?.fix?.cloudformation).toContain('/authorizers/*');
});

test('without a partition, a translator output that hard-codes arn:aws: cannot be decided', () => {
  // Act
  const report = checkSources(readCheckSources([join(SAM_DIR, 'api_with_auth_all_minimum.json')]));

  // Assert
  expect(report.counts.cannotTell).toBe(10);
  expect(report.findings[0]?.message).toContain('allowed only if ${AWS::Partition} is aws');
});
