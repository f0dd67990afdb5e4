import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, CfnResource, Duration, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';

/** CloudFormation's limit on resources per stack, and the size the check is benchmarked at. */
export const CHECK_TEMPLATE_RESOURCES = 500;

/** A synthesized benchmark template. */
export interface CheckTemplate {
  /** The cloud assembly directory (delete it when done). */
  readonly dir: string;
  readonly templateFile: string;
  readonly resources: number;
  readonly bytes: number;
}

function fn(scope: Stack, id: string): lambda.Function {
  return new lambda.Function(scope, id, {
    runtime: lambda.Runtime.NODEJS_24_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({ statusCode: 200 });'),
  });
}

/**
 * Synthesizes a stack of exactly 500 resources from real CDK constructs, the CloudFormation
 * limit: a REST API with one function per route (function, role, resource, method and the two
 * grants CDK adds per method), topped up with EventBridge rules (a rule and its grant) and log
 * groups.
 */
export function buildCheckTemplate(): CheckTemplate {
  const dir = mkdtempSync(join(tmpdir(), 'invoke-doctor-bench-check-'));
  const app = new App({ outdir: dir, builtinCloudFormationValidation: false });
  const stack = new Stack(app, 'Bench');
  const api = new apigw.RestApi(stack, 'Api');
  const count = () => stack.node.findAll().filter((c) => CfnResource.isCfnResource(c)).length;
  let i = 0;
  // Each route adds 6 resources; stop while a rule (2) and a log group (1) can still fill the rest.
  while (count() + 6 <= CHECK_TEMPLATE_RESOURCES - 2) {
    api.root
      .addResource(`r${i}`)
      .addMethod('GET', new apigw.LambdaIntegration(fn(stack, `Route${i}`)));
    i++;
  }
  const worker = fn(stack, 'Worker');
  let r = 0;
  while (count() + 2 <= CHECK_TEMPLATE_RESOURCES) {
    new events.Rule(stack, `Rule${r++}`, {
      schedule: events.Schedule.rate(Duration.hours(1)),
      targets: [new targets.LambdaFunction(worker)],
    });
  }
  let g = 0;
  while (count() < CHECK_TEMPLATE_RESOURCES) new logs.LogGroup(stack, `Group${g++}`);
  app.synth();
  const templateFile = join(dir, 'Bench.template.json');
  const text = readFileSync(templateFile, 'utf8');
  const resources = Object.keys((JSON.parse(text) as { Resources: object }).Resources).length;
  return { dir, templateFile, resources, bytes: Buffer.byteLength(text) };
}
