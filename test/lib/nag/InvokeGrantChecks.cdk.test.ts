/**
 * The InvokeGrant cdk-nag pack: the check's rules at synth time, on construct paths, with
 * cdk-nag's acknowledgements; the project's own stack passes it in both modes.
 */
import { App, CfnResource, Stack, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { IConstruct } from 'constructs';
import { InvokeGrantChecks } from '../../../lib/nag/InvokeGrantChecks';
import { inlineFunction, SCENARIOS } from '../../helpers/checkApps';
import { exampleConfig, synthesize } from '../../helpers/synth';

// CDK's own template validation takes seconds to load and is not what these tests are about.
const newApp = () => new App({ builtinCloudFormationValidation: false });

function app(...names: string[]): App {
  const a = newApp();
  for (const name of names) SCENARIOS[name]?.(a);
  return a;
}

const violations = (scope: App | Stack, pack = new InvokeGrantChecks()) =>
  pack
    .validateScope(scope)
    .violations.flatMap((v) =>
      v.violatingResources.map((r) => `${v.ruleName} ${v.severity} ${r.constructPath}`),
    )
    .sort();

test('apps built from the CDK constructs pass; a function in another account is a warning to acknowledge', () => {
  expect(
    violations(
      app(
        'lambdaRestApi',
        'httpApi',
        'functionUrl',
        'serviceTargets',
        'restApiImportedOtherAccount',
      ),
    ),
  ).toEqual(['InvokeGrant-IDC007 warning RestApiOtherAccount/Api/Default/shared/GET/Resource']);
});

/** Takes away the grants constructs under `scope` added, as a broken app would lack them. */
function withoutGrants(scope: IConstruct): void {
  for (const c of scope.node.findAll()) {
    if (c instanceof CfnResource && c.cfnResourceType === 'AWS::Lambda::Permission') {
      c.node.scope?.node.tryRemoveChild(c.node.id);
    }
  }
}

/** A REST API whose GET on the root invokes a function, without the grants the integration adds. */
function ordersApi(): { app: App; stack: Stack; fn: lambda.Function } {
  const a = newApp();
  const stack = new Stack(a, 'Orders');
  const fn = inlineFunction(stack, 'Handler');
  const api = new apigw.RestApi(stack, 'Api');
  api.root.addMethod('GET', new apigw.LambdaIntegration(fn));
  withoutGrants(api);
  return { app: a, stack, fn };
}

test('a removed grant is an error on the method that needs it', () => {
  // Arrange
  const { app: a } = ordersApi();

  // Act
  const report = new InvokeGrantChecks().validateScope(a);

  // Assert
  expect(violations(a)).toEqual(['InvokeGrant-IDC001 error Orders/Api/Default/GET/Resource']);
  expect(report.violations[0]?.description).toContain(
    'apigateway.amazonaws.com may not invoke function Handler',
  );
});

test('acknowledging the rule on the method, as with any cdk-nag rule, clears it', () => {
  // Arrange
  const a = app('restApiImportedOtherAccount');
  const method = a.node
    .findAll()
    .find((c) => c.node.path === 'RestApiOtherAccount/Api/Default/shared/GET');
  Validations.of(method as apigw.Method).acknowledge({
    id: 'InvokeGrant-IDC007',
    reason: 'The shared-worker team adds the grant in their account.',
  });

  // Act / Assert
  expect(violations(a)).toEqual([]);
});

test('cannot-tell findings are warnings unless turned off', () => {
  // Arrange: the only grant spells out partition, Region and account the app leaves to deploy
  const { app: a, stack, fn } = ordersApi();
  new lambda.CfnPermission(stack, 'Grant', {
    action: 'lambda:InvokeFunction',
    functionName: fn.functionName,
    principal: 'apigateway.amazonaws.com',
    sourceArn: 'arn:aws:execute-api:eu-west-1:111122223333:*/*/GET/',
  });

  // Act / Assert
  expect(violations(a)).toEqual([
    'InvokeGrant-IDC001-CannotTell warning Orders/Api/Default/GET/Resource',
  ]);
  expect(violations(a, new InvokeGrantChecks(undefined, { reportCannotTell: false }))).toEqual([]);
});

test.each([
  ['per log group', exampleConfig()],
  [
    'account-wide',
    { ...exampleConfig(), accountWide: true, restApis: [], functions: [], logGroups: [] },
  ],
])("the project's own stack passes the pack (%s)", (_, config) => {
  const { stack } = synthesize(config);
  expect(violations(stack)).toEqual([]);
});

test('registered as the docs show (three lines), it stops the synth of a broken app and passes a good one', () => {
  // Arrange
  const broken = ordersApi().app;
  const good = app('lambdaRestApi');
  for (const a of [broken, good]) Validations.of(a).addPlugins(new InvokeGrantChecks(a));

  // Act / Assert
  expect(() => broken.synth()).toThrow(
    /apigateway\.amazonaws\.com may not invoke function Handler[\s\S]*Orders\/Api\/Default\/GET\/Resource[\s\S]*InvokeGrant-IDC001/,
  );
  expect(() => good.synth()).not.toThrow();
});
