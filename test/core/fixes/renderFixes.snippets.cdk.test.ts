/**
 * The infrastructure-as-code snippets are real code: CloudFormation passes cfn-lint, Terraform is
 * canonical HCL for `terraform fmt`, and the CDK snippet synthesizes the permission it promises.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { renderFixes } from '../../../lambda/core/fixes/renderFixes';
import type { DiagnosisFacts, Fix } from '../../../lambda/core/types';
import {
  ACCOUNT,
  assumedRole,
  facts,
  fnRef,
  iamUser,
  OTHER_ACCOUNT,
  route,
  service,
} from '../../helpers/facts';

const SCENARIOS: Record<string, DiagnosisFacts> = {
  apigwRoute: facts({
    kind: 'apigw-invalid-permissions',
    function: fnRef('api-fn'),
    api: route('kl1s049j9c', 'GET', '/users/{id}'),
  }),
  apigwAlias: facts({
    kind: 'apigw-authorizer-invalid-permissions',
    function: fnRef('authz', { qualifier: 'live' }),
    api: route('aaiiuxs4r8', null, null),
  }),
  s3: facts({
    principal: service('s3.amazonaws.com'),
    function: fnRef('thumbs', { qualifier: '3' }),
  }),
  crossAccountUrl: facts({
    action: 'lambda:InvokeFunctionUrl',
    principal: assumedRole('caller', OTHER_ACCOUNT),
    function: fnRef('url-fn'),
    reason: 'no-resource-policy',
  }),
  httpDefault: facts({
    kind: 'http-api-integration-permissions',
    function: fnRef('http-fn'),
    api: route('a1b2c3d4e5', null, '$default', null),
  }),
  roleIdentity: facts({
    principal: assumedRole('caller-role'),
    function: fnRef('target'),
    reason: 'no-identity-policy',
  }),
  userIdentity: facts({
    principal: iamUser('dev', ACCOUNT, '/support/'),
    function: fnRef('target'),
    reason: 'no-identity-policy',
  }),
  urlIdentity: facts({
    action: 'lambda:InvokeFunctionUrl',
    principal: assumedRole('url-caller'),
    function: fnRef('url-target'),
    reason: 'no-identity-policy',
  }),
};

/** The other account, confirmed (trusted) as after `--trust-account`. */
const CONFIRMED = { accounts: [OTHER_ACCOUNT], organizationId: null };

const withSnippets: [string, Fix][] = Object.entries(SCENARIOS).flatMap(([name, f]) =>
  renderFixes(f, CONFIRMED)
    .filter((fix) => fix.command !== null && fix.cloudformation)
    .map((fix) => [`${name}/${fix.kind}`, fix] as [string, Fix]),
);

test('every scenario yields a snippet-bearing fix', () => {
  expect(withSnippets.map(([n]) => n.split('/')[0])).toEqual(
    expect.arrayContaining(Object.keys(SCENARIOS)),
  );
});

test('CloudFormation snippets form a template that passes cfn-lint', () => {
  // Arrange
  const resources = withSnippets
    .map(([, fix]) => fix.cloudformation!.replace(/^/gm, '  ').trimEnd())
    .join('\n');
  const dir = mkdtempSync(join(tmpdir(), 'invoke-doctor-cfn-'));
  const file = join(dir, 'template.yaml');
  writeFileSync(file, `AWSTemplateFormatVersion: '2010-09-09'\nResources:\n${resources}\n`);
  // Act
  const lint = spawnSync('cfn-lint', [file], { encoding: 'utf8' });
  // Assert
  expect(`${lint.stdout}${lint.stderr}`).toBe('');
  expect(lint.status).toBe(0);
});

test.each(withSnippets)('%s: Terraform snippet is canonical HCL', (_name, fix) => {
  // An empty CLI config keeps terraform from warning about a missing ~/.terraformrc.
  const config = join(mkdtempSync(join(tmpdir(), 'invoke-doctor-tf-')), 'terraformrc');
  writeFileSync(config, '');
  const formatted = execFileSync('terraform', ['fmt', '-'], {
    input: fix.terraform,
    encoding: 'utf8',
    env: { ...process.env, TF_CLI_CONFIG_FILE: config },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  expect(formatted).toBe(fix.terraform);
});

describe('CDK snippets synthesize', () => {
  /** Runs a snippet (plain JavaScript despite the .ts flavour) as the body of a stack constructor. */
  function synth(snippet: string): Template {
    const app = new App();
    const stack = new Stack(app, 'Snippet', { env: { account: ACCOUNT, region: 'us-east-1' } });
    new Function('lambda', 'iam', snippet).call(stack, lambda, iam);
    return Template.fromStack(stack);
  }

  test('add-permission for an API route on an alias-qualified authorizer', () => {
    // Arrange
    const fix = renderFixes(SCENARIOS.apigwAlias!).find((f) => f.kind === 'add-permission')!;
    // Act
    const template = synth(fix.cdk!);
    // Assert
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:authz:live`,
      Principal: 'apigateway.amazonaws.com',
      SourceArn: `arn:aws:execute-api:us-east-1:${ACCOUNT}:aaiiuxs4r8/authorizers/*`,
    });
  });

  test('add-permission for S3 with the source account', () => {
    const fix = renderFixes(SCENARIOS.s3!)[0]!;
    synth(fix.cdk!).hasResourceProperties('AWS::Lambda::Permission', {
      Principal: 's3.amazonaws.com',
      SourceAccount: ACCOUNT,
      FunctionName: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:thumbs:3`,
    });
  });

  test('add-permission for a function URL caller in another account: both statements', () => {
    const fix = renderFixes(SCENARIOS.crossAccountUrl!, CONFIRMED)[0]!;
    const template = synth(fix.cdk!);
    template.resourceCountIs('AWS::Lambda::Permission', 2);
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunctionUrl',
      FunctionUrlAuthType: 'AWS_IAM',
      Principal: OTHER_ACCOUNT,
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      InvokedViaFunctionUrl: true,
      Principal: OTHER_ACCOUNT,
    });
    expect(fix.cloudformation).toContain('InvokedViaFunctionUrl: true');
    expect(fix.terraform).toContain('invoked_via_function_url = true');
  });

  test('identity policy on an imported role', () => {
    const fix = renderFixes(SCENARIOS.roleIdentity!)[0]!;
    const arn = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:target`;
    synth(fix.cdk!).hasResourceProperties('AWS::IAM::Policy', {
      Roles: ['caller-role'],
      PolicyDocument: {
        Statement: [
          { Action: 'lambda:InvokeFunction', Effect: 'Allow', Resource: [arn, `${arn}:*`] },
        ],
      },
    });
  });

  test('function URL identity policy: the snippet grants both statements the command grants', () => {
    // Arrange
    const fix = renderFixes(SCENARIOS.urlIdentity!)[0]!;
    const arn = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:url-target`;
    // Assert: the command's policy document
    const doc = JSON.parse(/--policy-document '([^']*)'/.exec(fix.command!)![1]!);
    expect(doc.Statement.map((st: { Action: string }) => st.Action)).toEqual([
      'lambda:InvokeFunctionUrl',
      'lambda:InvokeFunction',
    ]);
    // Assert: the CDK snippet synthesizes the same two statements
    synth(fix.cdk!).hasResourceProperties('AWS::IAM::Policy', {
      Roles: ['url-caller'],
      PolicyDocument: {
        Statement: [
          { Action: 'lambda:InvokeFunctionUrl', Effect: 'Allow', Resource: [arn, `${arn}:*`] },
          {
            Action: 'lambda:InvokeFunction',
            Effect: 'Allow',
            Resource: [arn, `${arn}:*`],
            Condition: { Bool: { 'lambda:InvokedViaFunctionUrl': 'true' } },
          },
        ],
      },
    });
    expect(fix.cloudformation).toContain("'lambda:InvokedViaFunctionUrl': 'true'");
    expect(fix.terraform).toContain('"lambda:InvokedViaFunctionUrl" = "true"');
  });

  test('identity policy on an imported user', () => {
    const fix = renderFixes(SCENARIOS.userIdentity!)[0]!;
    synth(fix.cdk!).hasResourceProperties('AWS::IAM::Policy', { Users: ['dev'] });
  });
});
