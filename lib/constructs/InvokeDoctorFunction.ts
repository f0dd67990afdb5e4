import { join } from 'node:path';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { SETTINGS } from '../../lambda/core/settings';
import { projectRoot } from '../projectRoot';

/** Props of {@link InvokeDoctorFunction}: the house defaults fix everything else. */
export interface InvokeDoctorFunctionProps {
  /** Handler source relative to the project root, e.g. `lambda/handlers/sweeper.ts`. */
  readonly handlerPath: string;
  /** Name of the function's own log group (known at synth so it can be excluded from subscriptions). */
  readonly logGroupName: string;
  /**
   * Retention of the function's log group.
   * @default - `SETTINGS.logRetentionDays` (docs/configuration.md)
   */
  readonly logRetention?: logs.RetentionDays | undefined;
  /** One-line description shown in the Lambda console. */
  readonly description: string;
  /**
   * Memory in MB (CPU scales with it).
   * @default 256
   */
  readonly memorySize?: number;
  /**
   * Invocation timeout.
   * @default Duration.seconds(60)
   */
  readonly timeout?: Duration;
  /**
   * Environment variables (besides NODE_OPTIONS, which the house defaults set).
   * @default {}
   */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * Retries Lambda makes for a failed asynchronous invocation.
   * @default 2
   */
  readonly retryAttempts?: number;
  /**
   * Longest an asynchronous event waits (throttled or retrying) before it goes to `onFailure`.
   * @default Duration.hours(1)
   */
  readonly maxEventAge?: Duration;
  /** Where failed asynchronous invocations are kept. */
  readonly onFailure: lambda.IDestination;
  /**
   * Fixed name of the execution role, for roles in other accounts that must trust exactly it.
   * @default - a name CloudFormation generates
   */
  readonly roleName?: string | undefined;
  /**
   * Reserved concurrency.
   * @default - none: the function draws on the account's unreserved concurrency
   */
  readonly reservedConcurrentExecutions?: number | undefined;
}

/**
 * NodejsFunction with the house defaults: Node.js 24 on arm64, a minified ESM bundle with source
 * maps built by the local esbuild (no Docker), the AWS SDK left to the runtime, X-Ray tracing, JSON
 * logs into an explicit log group with retention, and a role that can write only that log group.
 */
export class InvokeDoctorFunction extends NodejsFunction {
  /** The function's own log group (never subscribe it: the responder would read its own output). */
  readonly ownLogGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: InvokeDoctorFunctionProps) {
    const root = projectRoot();
    // Explicit log group: retention is set by the stack, and its name is known at synth time.
    const logGroup = new logs.LogGroup(scope, `${id}LogGroup`, {
      logGroupName: props.logGroupName,
      retention: props.logRetention ?? (SETTINGS.logRetentionDays.default as logs.RetentionDays),
      // Fixed name: a retained group would block the next deploy of the same stack name.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // Own role instead of AWSLambdaBasicExecutionRole, whose log permissions span every log group.
    const role = new iam.Role(scope, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${props.description}`,
      ...(props.roleName === undefined ? {} : { roleName: props.roleName }),
    });
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [logGroup.logGroupArn],
      }),
    );
    super(scope, id, {
      entry: join(root, props.handlerPath),
      handler: 'handler',
      projectRoot: root,
      depsLockFilePath: join(root, 'package-lock.json'),
      description: props.description,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout ?? Duration.seconds(60),
      tracing: lambda.Tracing.ACTIVE,
      role,
      logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      environment: {
        ...props.environment,
        // Stack traces point at the TypeScript sources through the bundled source map.
        NODE_OPTIONS: '--enable-source-maps',
      },
      retryAttempts: props.retryAttempts ?? 2,
      maxEventAge: props.maxEventAge ?? Duration.hours(1),
      onFailure: props.onFailure,
      ...(props.reservedConcurrentExecutions === undefined
        ? {}
        : { reservedConcurrentExecutions: props.reservedConcurrentExecutions }),
      bundling: {
        format: OutputFormat.ESM,
        target: 'node24',
        mainFields: ['module', 'main'],
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        // The nodejs24.x runtime ships AWS SDK v3; bundling it would only add size.
        externalModules: ['@aws-sdk/*'],
        // CommonJS dependencies inside an ESM bundle still call require().
        banner:
          "import { createRequire as __invokeDoctorCreateRequire } from 'node:module'; const require = __invokeDoctorCreateRequire(import.meta.url);",
        forceDockerBundling: false,
      },
    });
    this.ownLogGroup = logGroup;

    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'xray:PutTraceSegments and xray:PutTelemetryRecords (added by Tracing.ACTIVE) support no resource-level permissions.',
    });
    Validations.of(this).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason:
        'Failed asynchronous invocations go to an on-failure destination (an encrypted SQS queue), which keeps the request payload and the error; a DLQ as well would duplicate every failure.',
    });
  }
}
