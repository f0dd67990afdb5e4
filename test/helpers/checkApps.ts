/**
 * CDK apps for the static check, built from real constructs of the pinned aws-cdk-lib and
 * synthesized to a real cloud assembly: each scenario is one way a caller gets (or misses) its
 * invoke grant. Functions use inline code, so no asset bundling runs.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Duration, NestedStack, Stack, type StackProps } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as logsDestinations from 'aws-cdk-lib/aws-logs-destinations';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';

/** A function with inline code (no asset to bundle). */
export function inlineFunction(
  scope: Construct,
  id: string,
  props: Partial<lambda.FunctionProps> = {},
): lambda.Function {
  return new lambda.Function(scope, id, {
    runtime: lambda.Runtime.NODEJS_24_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline(
      'exports.handler = async () => ({ statusCode: 200, body: "ok" });',
    ),
    ...props,
  });
}

/**
 * CDK's Version and Alias declare `role?: IRole`, which IVersion and IFunction do not accept under
 * exactOptionalPropertyTypes; at run time they are the same objects.
 */
const asVersion = (v: lambda.Version): lambda.IVersion => v as unknown as lambda.IVersion;
const asFunction = (a: lambda.Alias): lambda.IFunction => a as unknown as lambda.IFunction;

/** One scenario: builds its stacks into the app. */
export type Scenario = (app: App) => void;

const ENV_AGNOSTIC: StackProps = {};

/** The scenarios, by name. */
export const SCENARIOS: Readonly<Record<string, Scenario>> = {
  lambdaRestApi(app) {
    const stack = new Stack(app, 'LambdaRestApi', ENV_AGNOSTIC);
    new apigw.LambdaRestApi(stack, 'Api', { handler: inlineFunction(stack, 'Handler') });
  },
  restApiAlias(app) {
    const stack = new Stack(app, 'RestApiAlias', ENV_AGNOSTIC);
    const fn = inlineFunction(stack, 'Handler');
    const alias = new lambda.Alias(stack, 'Live', {
      aliasName: 'live',
      version: asVersion(fn.currentVersion),
    });
    const api = new apigw.RestApi(stack, 'Api');
    api.root
      .addResource('orders')
      .addResource('{id}')
      .addMethod('GET', new apigw.LambdaIntegration(asFunction(alias)));
  },
  restApiImportedSameAccount(app) {
    const stack = new Stack(app, 'RestApiImported', {
      env: { account: '111122223333', region: 'eu-west-1' },
    });
    const fn = lambda.Function.fromFunctionArn(
      stack,
      'Imported',
      'arn:aws:lambda:eu-west-1:111122223333:function:orders-worker',
    );
    const api = new apigw.RestApi(stack, 'Api');
    api.root.addResource('orders').addMethod('POST', new apigw.LambdaIntegration(fn));
  },
  restApiImportedOtherAccount(app) {
    const stack = new Stack(app, 'RestApiOtherAccount', {
      env: { account: '111122223333', region: 'eu-west-1' },
    });
    const fn = lambda.Function.fromFunctionArn(
      stack,
      'Imported',
      'arn:aws:lambda:eu-west-1:444455556666:function:shared-worker',
    );
    const api = new apigw.RestApi(stack, 'Api');
    api.root.addResource('shared').addMethod('GET', new apigw.LambdaIntegration(fn));
  },
  specRestApi(app) {
    const stack = new Stack(app, 'SpecRestApi', ENV_AGNOSTIC);
    const fn = inlineFunction(stack, 'Handler');
    new apigw.SpecRestApi(stack, 'Api', {
      apiDefinition: apigw.ApiDefinition.fromInline({
        openapi: '3.0.1',
        info: { title: 'orders', version: '1' },
        paths: {
          '/orders/{id}': {
            get: {
              'x-amazon-apigateway-integration': {
                type: 'aws_proxy',
                httpMethod: 'POST',
                uri: `arn:${stack.partition}:apigateway:${stack.region}:lambda:path/2015-03-31/functions/${fn.functionArn}/invocations`,
              },
            },
          },
        },
      }),
    });
    fn.addPermission('SpecApiInvoke', {
      principal: new iam.ServicePrincipal('apigateway.amazonaws.com'),
      sourceArn: stack.formatArn({
        service: 'execute-api',
        resource: '*',
        resourceName: '*/GET/orders/*',
      }),
    });
  },
  httpApi(app) {
    const stack = new Stack(app, 'HttpApi', ENV_AGNOSTIC);
    const authorizer = new HttpLambdaAuthorizer('Authorizer', inlineFunction(stack, 'AuthFn'), {
      resultsCacheTtl: Duration.seconds(0),
    });
    const api = new apigwv2.HttpApi(stack, 'Api', { defaultAuthorizer: authorizer });
    api.addRoutes({
      path: '/items/{id}',
      methods: [apigwv2.HttpMethod.GET, apigwv2.HttpMethod.PUT],
      integration: new HttpLambdaIntegration('Items', inlineFunction(stack, 'Handler')),
    });
  },
  stageVariables(app) {
    const stack = new Stack(app, 'StageVariables', ENV_AGNOSTIC);
    const fn = inlineFunction(stack, 'Handler');
    const version = asVersion(fn.currentVersion);
    const aliases = ['live', 'beta'].map(
      (name) => new lambda.Alias(stack, `Alias${name}`, { aliasName: name, version }),
    );
    const api = new apigw.RestApi(stack, 'Api', {
      deployOptions: { stageName: 'prod', variables: { alias: 'live' } },
    });
    new apigw.Stage(stack, 'Beta', {
      deployment: api.latestDeployment as apigw.Deployment,
      stageName: 'beta',
      variables: { alias: 'beta' },
    });
    const integration = new apigw.AwsIntegration({
      proxy: true,
      service: 'lambda',
      path: `2015-03-31/functions/${fn.functionArn}:\${stageVariables.alias}/invocations`,
    });
    api.root.addResource('orders').addMethod('GET', integration);
    for (const alias of aliases) {
      alias.addPermission('ApiInvoke', {
        principal: new iam.ServicePrincipal('apigateway.amazonaws.com'),
        sourceArn: api.arnForExecuteApi('GET', '/orders', '*'),
      });
    }
  },
  functionUrl(app) {
    const stack = new Stack(app, 'FunctionUrl', ENV_AGNOSTIC);
    inlineFunction(stack, 'Public').addFunctionUrl({ authType: lambda.FunctionUrlAuthType.NONE });
    const privateFn = inlineFunction(stack, 'Private');
    const url = privateFn.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.AWS_IAM });
    new cloudfront.Distribution(stack, 'Cdn', {
      defaultBehavior: { origin: origins.FunctionUrlOrigin.withOriginAccessControl(url) },
    });
  },
  serviceTargets(app) {
    const stack = new Stack(app, 'ServiceTargets', ENV_AGNOSTIC);
    const fn = inlineFunction(stack, 'Worker');
    new events.Rule(stack, 'Nightly', {
      schedule: events.Schedule.rate(Duration.days(1)),
      targets: [new targets.LambdaFunction(fn)],
    });
    new sns.Topic(stack, 'Orders').addSubscription(new subscriptions.LambdaSubscription(fn));
    new s3.Bucket(stack, 'Uploads').addEventNotification(
      s3.EventType.OBJECT_CREATED,
      new s3n.LambdaDestination(fn),
    );
    new cognito.UserPool(stack, 'Users').addTrigger(cognito.UserPoolOperation.PRE_SIGN_UP, fn);
    new logs.LogGroup(stack, 'AppLogs').addSubscriptionFilter('ToWorker', {
      destination: new logsDestinations.LambdaDestination(fn),
      filterPattern: logs.FilterPattern.allEvents(),
    });
  },
  nestedStack(app) {
    const parent = new Stack(app, 'Nested', ENV_AGNOSTIC);
    const fn = inlineFunction(parent, 'Handler');
    // The API lives in a nested stack; the function's ARN reaches it as a stack parameter.
    new apigw.LambdaRestApi(new NestedStack(parent, 'ApiStack'), 'Api', { handler: fn });
  },
  crossStack(app) {
    const fn = inlineFunction(new Stack(app, 'CrossFunctions', ENV_AGNOSTIC), 'Handler');
    // The API in another stack gets the function through an export and Fn::ImportValue.
    new apigw.LambdaRestApi(new Stack(app, 'CrossApi', ENV_AGNOSTIC), 'Api', { handler: fn });
  },
  credentialsRole(app) {
    const stack = new Stack(app, 'CredentialsRole', ENV_AGNOSTIC);
    const fn = inlineFunction(stack, 'Handler');
    const role = new iam.Role(stack, 'ApiInvokeRole', {
      assumedBy: new iam.ServicePrincipal('apigateway.amazonaws.com'),
    });
    fn.grantInvoke(role);
    const api = new apigw.RestApi(stack, 'Api');
    api.root.addMethod('GET', new apigw.LambdaIntegration(fn, { credentialsRole: role }));
  },
};

/** Synthesizes the named scenarios into one app; returns the cloud assembly directory. */
export function synthScenarios(names: readonly string[] = Object.keys(SCENARIOS)): string {
  const outdir = mkdtempSync(join(tmpdir(), 'invoke-doctor-check-'));
  const app = new App({ outdir, builtinCloudFormationValidation: false });
  for (const name of names) (SCENARIOS[name] as Scenario)(app);
  app.synth();
  return outdir;
}
