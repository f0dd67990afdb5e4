/**
 * `invoke-doctor check` as users run it (the built CLI): on a real cloud assembly of CDK
 * constructs, on the project's own app, on the test templates and plans; exit codes 0, 1 and 2;
 * text, JSON and SARIF output.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { App } from 'aws-cdk-lib';
import { parseConfig } from '../../../lib/config';
import { InvokeDoctorStack } from '../../../lib/InvokeDoctorStack';
import { synthScenarios } from '../../helpers/checkApps';
import { EVENTS_DIR } from '../../helpers/paths';
import { runCli } from '../../helpers/runCli';
import { cdkJsonContext, exampleConfig } from '../../helpers/synth';
import { buildPlan } from '../../helpers/terraformPlan';

let assembly: string;

beforeAll(() => {
  assembly = synthScenarios();
}, 120_000);

/** A copy of a cloud assembly with resources of one template removed. */
function withoutResources(
  dir: string,
  template: string,
  remove: (id: string, r: { Type: string; Properties?: Record<string, unknown> }) => boolean,
): string {
  const copy = join(mkdtempSync(join(tmpdir(), 'invoke-doctor-check-cli-')), 'cdk.out');
  cpSync(dir, copy, { recursive: true });
  const file = join(copy, template);
  const json = JSON.parse(readFileSync(file, 'utf8')) as {
    Resources: Record<string, { Type: string }>;
  };
  for (const [id, r] of Object.entries(json.Resources))
    if (remove(id, r)) delete json.Resources[id];
  writeFileSync(file, JSON.stringify(json, null, 1));
  return copy;
}

const oneLine = (stderr: string) => stderr.trim().split('\n');

describe('on a cloud assembly of CDK constructs', () => {
  test('exits 0 when the only finding is a warning, 1 with --fail-on warning', () => {
    // Act
    const result = runCli(['check', assembly]);
    const strict = runCli(['check', assembly, '--fail-on', 'warning']);

    // Assert
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /^invoke-doctor check: \d+ inputs, \d+ callers: \d+ allowed, 1 failing, 0 cannot tell/,
    );
    expect(result.stdout).toContain('warning  IDC007 external-function-grant');
    expect(result.stdout).toContain('0 errors, 1 warning, 0 cannot-tell notes.');
    expect(strict.code).toBe(1);
  });

  test('a missing grant exits 1 and names the file, line, stack, logical id and the fix', () => {
    // Arrange
    const broken = withoutResources(
      assembly,
      'ServiceTargets.template.json',
      (_, r) => r.Properties?.Principal === 'sns.amazonaws.com',
    );

    // Act
    const result = runCli(['check', 'cdk.out'], { cwd: join(broken, '..') });

    // Assert
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /cdk\.out\/ServiceTargets\.template\.json:\d+:\d+ {2}ServiceTargets\/WorkerOrders[0-9A-F]+/,
    );
    expect(result.stdout).toContain('error  IDC006 service-caller-grant');
    expect(result.stdout).toContain("principal: new iam.ServicePrincipal('sns.amazonaws.com')");
    expect(result.stdout).toContain('Type: AWS::Lambda::Permission');
    expect(result.stderr).toBe('');
  });

  test('--format sarif writes a SARIF 2.1.0 log that validates; --json the report', () => {
    // Arrange
    const schema = JSON.parse(
      readFileSync(join(EVENTS_DIR, 'check', 'sarif', 'sarif-schema-2.1.0.json'), 'utf8'),
    );
    const ajv = new Ajv({ strict: false });
    addFormats(ajv);

    // Act
    const sarif = runCli(['check', assembly, '--format', 'sarif']);
    const json = runCli(['check', assembly, '--json']);

    // Assert
    const log = JSON.parse(sarif.stdout);
    expect(ajv.validate(schema, log)).toBe(true);
    expect(log.runs[0].results).toHaveLength(1);
    const report = JSON.parse(json.stdout);
    expect(report.counts.failed).toBe(1);
    expect(report.findings[0]).toMatchObject({ ruleId: 'IDC007', level: 'warning', kind: 'fail' });
  });
});

test("the project's own app: `npx invoke-doctor check cdk.out` after a synth finds nothing, and sees its callers", () => {
  // Arrange: the app bin/app.ts builds, synthesized without bundling into ./cdk.out
  const dir = mkdtempSync(join(tmpdir(), 'invoke-doctor-own-'));
  const outdir = join(dir, 'cdk.out');
  mkdirSync(outdir);
  const app = new App({
    outdir,
    context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [] },
    builtinCloudFormationValidation: false,
  });
  new InvokeDoctorStack(app, 'InvokeDoctor', { config: parseConfig(exampleConfig()) });
  app.synth();

  // Act
  const clean = runCli(['check'], { cwd: dir });
  const broken = runCli([
    'check',
    withoutResources(
      outdir,
      'InvokeDoctor.template.json',
      (_, r) => r.Properties?.Principal === 'logs.amazonaws.com',
    ),
  ]);

  // Assert
  expect(clean.code).toBe(0);
  expect(clean.stdout).toMatch(/1 input, [1-9]\d* callers?: [1-9]\d* allowed, 0 failing/);
  expect(clean.stdout).toContain('No findings');
  expect(broken.code).toBe(1);
  expect(broken.stdout).toContain('IDC006 service-caller-grant');
});

describe('on the test templates and plans', () => {
  test.each([
    [
      'a SAM template missing an HTTP API authorizer grant',
      ['sam/http_api_lambda_auth.yaml'],
      1,
      'IDC002',
    ],
    [
      'a SAM translator output, partition given',
      ['sam/api_with_auth_all_minimum.json', '--partition', 'aws'],
      0,
      'No findings',
    ],
    [
      'a CloudFormation template that hard-codes arn:aws:',
      ['cloudformation/apigateway_lambda_integration.yaml'],
      0,
      'cannot tell  IDC001',
    ],
    [
      'the same with --fail-on note',
      ['cloudformation/apigateway_lambda_integration.yaml', '--fail-on', 'note'],
      1,
      'allowed only if ${AWS::Partition} is aws',
    ],
    [
      'a real Terraform plan without AWS resources',
      ['terraform/terraform-json-moved_block.plan.json'],
      0,
      '0 callers',
    ],
  ])('%s', (_, args, code, text) => {
    const [file, ...rest] = args as [string, ...string[]];
    const result = runCli(['check', join(EVENTS_DIR, 'check', file), ...rest]);
    expect(result.code).toBe(code);
    expect(result.stdout).toContain(text);
  });

  test('a Terraform plan missing a grant prints a runnable add-permission command', () => {
    // Arrange
    const dir = mkdtempSync(join(tmpdir(), 'invoke-doctor-plan-'));
    const arn = 'arn:aws:lambda:eu-west-1:111122223333:function:worker';
    const topic = 'arn:aws:sns:eu-west-1:111122223333:orders';
    writeFileSync(
      join(dir, 'plan.json'),
      JSON.stringify(
        buildPlan([
          {
            address: 'aws_lambda_function.worker',
            values: { function_name: 'worker', arn },
            actions: ['no-op'],
          },
          {
            address: 'aws_sns_topic.orders',
            values: { name: 'orders', arn: topic },
            actions: ['no-op'],
          },
          {
            address: 'aws_sns_topic_subscription.worker',
            values: { protocol: 'lambda', endpoint: arn, topic_arn: topic },
          },
        ]),
      ),
    );

    // Act
    const result = runCli(['check', 'plan.json'], { cwd: dir });

    // Assert
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('plan.json  aws_sns_topic_subscription.worker');
    expect(result.stdout).toContain(
      `aws lambda add-permission --region 'eu-west-1' --function-name '${arn}' --statement-id`,
    );
    expect(result.stdout).toContain(`--principal 'sns.amazonaws.com' --source-arn '${topic}'`);
  });
});

describe('unusable input: one line on stderr, exit code 2, no stack trace', () => {
  const dir = mkdtempSync(join(tmpdir(), 'invoke-doctor-bad-'));
  writeFileSync(join(dir, 'broken.yaml'), 'Resources: {\n  A: [\n');
  writeFileSync(join(dir, 'list.json'), '[1, 2]');
  writeFileSync(
    join(dir, 'plan2.json'),
    JSON.stringify({ format_version: '2.0', planned_values: {} }),
  );
  mkdirSync(join(dir, 'not-an-assembly'));

  test.each([
    ['a missing file', ['missing.yaml'], /cannot read missing\.yaml \(ENOENT\)/],
    ['broken YAML', ['broken.yaml'], /broken\.yaml: not valid JSON or YAML/],
    ['JSON that is no template', ['list.json'], /list\.json: a template must be a mapping/],
    [
      'a plan of an unknown format',
      ['plan2.json'],
      /unsupported Terraform plan format_version "2\.0"/,
    ],
    ['a directory without manifest.json', ['not-an-assembly'], /without manifest\.json/],
    ['no input and no cdk.out here', [], /no input: pass a cdk\.out directory/],
    [
      'a bad --account',
      ['list.json', '--account', '12'],
      /--account: must be a 12-digit account id/,
    ],
    [
      'a bad --fail-on',
      ['list.json', '--fail-on', 'fatal'],
      /--fail-on: must be one of error, warning, note, none/,
    ],
    [
      'a bad --format',
      ['list.json', '--format', 'xml'],
      /--format: must be one of text, json, sarif/,
    ],
  ])('%s', (_, args, message) => {
    const result = runCli(['check', ...args], { cwd: dir });
    expect(result.code).toBe(2);
    expect(oneLine(result.stderr)).toHaveLength(1);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
