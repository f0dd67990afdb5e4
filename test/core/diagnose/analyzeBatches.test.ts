import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { decodeInput } from '../../../lambda/core/decode/decodeInput';
import { analyzeBatches } from '../../../lambda/core/diagnose/analyzeBatches';
import { FORMAT_FAMILIES } from '../../../lambda/core/formats/families';
import type { Diagnosis, DiagnosisFacts, FunctionRef, LogBatch } from '../../../lambda/core/types';
import { EVENTS_DIR, fixture } from '../../helpers/fixture';

type Expected = Partial<Omit<DiagnosisFacts, 'principal' | 'function' | 'api'>> & {
  readonly principal?: Partial<DiagnosisFacts['principal']>;
  readonly function?: Partial<FunctionRef>;
  readonly api?: Partial<NonNullable<DiagnosisFacts['api']>> | null;
  readonly occurrences?: number;
  readonly requestIds?: readonly string[];
};

interface Case {
  readonly file: string;
  readonly logGroup?: string;
  readonly expected: Expected;
}

const NO_FUNCTION = { arn: null, name: null, qualifier: null, accountId: null, region: null };
const APIGW = { type: 'service', service: 'apigateway.amazonaws.com', arn: null } as const;

// One row per positive fixture: the facts the engine must read from that real line.
const CASES: readonly Case[] = [
  {
    file: 'iam-sentence/no-identity-policy.log',
    expected: {
      kind: 'invoke-access-denied',
      action: 'lambda:InvokeFunction',
      reason: 'no-identity-policy',
      principal: {
        type: 'assumed-role',
        accountId: '458036673695',
        roleName: 'CdkWorkshopStack-HelloHitCounterHitCounterHandlerSe-6m8GE1KfO4P6',
      },
      function: {
        arn: 'arn:aws:lambda:eu-central-1:458036673695:function:CdkWorkshopStack-HelloHandler2E4FBA4D-xMvt0Kbw9VKD',
        name: 'CdkWorkshopStack-HelloHandler2E4FBA4D-xMvt0Kbw9VKD',
        qualifier: null,
        region: 'eu-central-1',
        accountId: '458036673695',
      },
    },
  },
  {
    file: 'iam-sentence/step-functions-cause.json',
    expected: {
      reason: 'no-identity-policy',
      principal: {
        type: 'assumed-role',
        accountId: null,
        roleName: 'serverlessrepo-aws-deploy-StateMachineExecutionRol-YYXZKF1DNVEG',
      },
      function: {
        name: 'AccountAliasConfigurationFunction',
        accountId: null,
        region: 'us-east-1',
      },
    },
  },
  {
    file: 'iam-sentence/sdk-v2-accountid-placeholder.log',
    expected: {
      reason: 'unspecified',
      principal: { type: 'assumed-role', accountId: null, roleName: 'LambdaName' },
      // the trailing `]` of the post is not part of the name
      function: {
        name: 'lambdaname',
        // the account is a placeholder: no ARN is made up from it
        arn: null,
      },
    },
  },
  {
    file: 'iam-sentence/nodejs10-error-record.json',
    expected: {
      reason: 'unspecified',
      principal: { type: 'assumed-role', accountId: '585695036304' },
      function: { name: 'CdkWorkshopStack-HelloHandler2E4FBA4D-149MVAO4969O7' },
      occurrences: 1,
    },
  },
  {
    file: 'iam-sentence/python-clienterror-10-digit-account.log',
    expected: {
      principal: { type: 'assumed-role', accountId: null, roleName: 'LambdaExecutionRole' },
      function: { name: 'registrar', region: 'eu-west-2', accountId: null },
    },
  },
  {
    file: 'iam-sentence/cli-iam-user-masked-account.log',
    expected: {
      principal: {
        type: 'iam-user',
        // masked account: the ARN is unknown
        arn: null,
        accountId: null,
      },
      function: { name: 'my-lambda', accountId: null, region: 'us-west-2' },
    },
  },
  {
    file: 'iam-sentence/cli-iam-user.log',
    expected: {
      principal: { type: 'iam-user', arn: 'arn:aws:iam::302651359699:user/jasonQ' },
      function: { name: 'CreateThumbnail' },
      reason: 'unspecified',
    },
  },
  {
    file: 'iam-sentence/app-wrapper-prefix.log',
    expected: {
      reason: 'no-identity-policy',
      principal: { roleName: 'demo-chef-services-backend-DietPlanFunctionRole-IYbVKrVaeQNV' },
      function: { name: 'chef-services-backend-diet-plan-worker' },
    },
  },
  {
    file: 'iam-sentence/trailing-text-after-action.log',
    expected: {
      reason: 'no-identity-policy',
      function: { name: 'aws-drs-orchestration-data-management-handler-test' },
    },
  },
  {
    file: 'iam-sentence/ruby-placeholders.log',
    expected: { principal: { type: 'unknown', arn: null }, function: { arn: null } },
  },
  {
    file: 'iam-sentence/cognito-internal-role.log',
    expected: {
      principal: { type: 'service', service: 'cognito-idp.amazonaws.com', accountId: null },
      // ` (Service: AWSLambda; ...)` is not part of the resource
      function: {
        arn: 'arn:aws:lambda:us-east-1:061240556736:function:dev-portal-jm13-dev-authEmailTrigger',
        qualifier: null,
      },
    },
  },
  {
    file: 'iam-sentence/sns-service-escaped-json.log',
    expected: {
      reason: 'no-resource-policy',
      principal: { type: 'service', service: 'sns.amazonaws.com', arn: null },
      function: { name: 'SlackNotificationLambda', accountId: null, region: null },
    },
  },
  {
    file: 'iam-sentence/cloudwatch-alarms-display-name.log',
    expected: {
      reason: 'no-resource-policy',
      principal: { type: 'service', service: 'lambda.alarms.cloudwatch.amazonaws.com' },
      function: NO_FUNCTION,
    },
  },
  {
    file: 'iam-sentence/cognito-identity-json-message.log',
    expected: {
      principal: { type: 'assumed-role', roleName: 'Cognito_toadkicker_poolUnauth_Role' },
      function: { arn: 'arn:aws:lambda:us-east-1:009825708026:function:LambdAuthCreateUser' },
    },
  },
  {
    file: 'iam-sentence/python-handler-parenthesis.log',
    expected: {
      function: {
        arn: null,
        name: 'AWSInstanceSchedulerMain',
        region: 'eu-central-1',
        accountId: null,
      },
    },
  },
  {
    file: 'iam-sentence/explicit-deny-legacy-wrapped.log',
    expected: {
      reason: 'explicit-deny',
      denyPolicyArn: null,
      principal: { type: 'assumed-role', roleName: 'SCF' },
      function: { name: 'scf-prepare-data-generateUploadKeyHQ3VTHNGXALG', region: 'us-east-2' },
    },
  },
  {
    file: 'iam-sentence/python-clienterror-traceback.log',
    expected: {
      // `: ClientError` after the resource is not part of it
      function: { name: 'QnABot2-ESQidLambda-M9LBJLAZJB9N', qualifier: null },
      occurrences: 1,
    },
  },
  {
    file: 'iam-sentence/function-url-iam-user.json',
    expected: {
      action: 'lambda:InvokeFunctionUrl',
      principal: { type: 'iam-user', arn: 'arn:aws:iam::123456789012:user/ocel-edge' },
      function: { name: 'ocel-bootstrap-ImageOptimizer-xYz' },
    },
  },
  {
    file: 'rest-execution-log/invalid-permissions-info.log',
    logGroup: 'API-Gateway-Execution-Logs_abc123def45/dev',
    expected: {
      kind: 'apigw-invalid-permissions',
      action: 'lambda:InvokeFunction',
      reason: 'no-resource-policy',
      principal: APIGW,
      function: { name: 'simple_regex_lambda', accountId: null, region: null },
      api: { id: 'abc123def45', stage: 'dev' },
      requestIds: ['d0f70f44-e843-42ff-b628-28384d82a707'],
    },
  },
  {
    file: 'rest-execution-log/knowledge-center-integration.log',
    expected: {
      kind: 'apigw-invalid-permissions',
      function: { name: 'example-function', accountId: null, region: null },
    },
  },
  {
    file: 'rest-execution-log/knowledge-center-authorizer.log',
    expected: {
      kind: 'apigw-authorizer-invalid-permissions',
      function: { name: 'example-function' },
    },
  },
  {
    file: 'rest-execution-log/console-test-invalid-permissions.log',
    expected: {
      kind: 'apigw-invalid-permissions',
      function: { name: 'stage', accountId: null, region: 'us-west-2' },
      requestIds: [],
    },
  },
  {
    file: 'rest-execution-log/no-prefix-serverless-express.log',
    expected: {
      kind: 'apigw-invalid-permissions',
      function: NO_FUNCTION,
      api: { httpMethod: 'GET', resourcePath: '/' },
    },
  },
  {
    file: 'rest-execution-log/error-level-only.log',
    logGroup: 'API-Gateway-Execution-Logs_uwe3g5jm54/Prod',
    expected: {
      kind: 'apigw-invalid-permissions',
      function: NO_FUNCTION,
      api: { id: 'uwe3g5jm54', stage: 'Prod', httpMethod: null, resourcePath: null },
      requestIds: ['f3ce6e03-582b-11e8-8f3a-cfe9e4701f18'],
    },
  },
  {
    file: 'rest-execution-log/cannot-assume-role-console.log',
    expected: {
      kind: 'apigw-cannot-assume-role',
      action: null,
      roleArn:
        'arn:aws:iam::770646514888:role/lambda_execution_role_Authorize-Registrations-Lambda',
      function: NO_FUNCTION,
    },
  },
  {
    // the trace is escaped inside the JSON answer's `log` field; reconstruction expands it
    file: 'rest-execution-log/test-invoke-method-cli.json',
    expected: {
      kind: 'apigw-invalid-permissions',
      principal: { ...APIGW, accountId: '918101530468' },
      function: {
        arn: 'arn:aws:lambda:us-east-1:918101530468:function:booksone',
        name: 'booksone',
        qualifier: null,
        accountId: '918101530468',
        region: 'us-east-1',
      },
      api: {
        id: 'ckb72xuvfd',
        stage: 'test-invoke-stage',
        httpMethod: 'GET',
        resourcePath: '/books',
      },
      occurrences: 1,
    },
  },
  {
    // indented as published, the trace cut by the author with `[TRUNCATED]` glued to the next line,
    // and the author's `account-id` placeholder: unknown, so no function ARN is made up
    file: 'rest-execution-log/test-invoke-method-truncated.json',
    expected: {
      kind: 'apigw-invalid-permissions',
      function: { arn: null, name: 'books', qualifier: null, accountId: null, region: 'us-east-1' },
      api: { id: null, stage: null, httpMethod: 'GET', resourcePath: '/books' },
      occurrences: 1,
    },
  },
  {
    file: 'rest-execution-log/rest-access-log-json.json',
    expected: { kind: 'apigw-invalid-permissions', function: NO_FUNCTION },
  },
  ...(
    [
      ['custommessage-terraform-comment.log', 'CustomMessage'],
      ['postconfirmation-lowercase.log', 'PostConfirmation'],
      ['postconfirmation-unexpected-lambda-exception.log', 'PostConfirmation'],
      ['preauthentication-error-response.log', 'PreAuthentication'],
      ['presignup-issue-title.log', 'PreSignUp'],
      ['pretokengeneration-markdown.log', 'PreTokenGeneration'],
    ] as const
  ).map(
    ([file, trigger]): Case => ({
      file: `cognito-trigger/${file}`,
      expected: {
        kind: 'cognito-trigger-access-denied' as const,
        action: 'lambda:InvokeFunction' as const,
        reason: 'no-resource-policy' as const,
        trigger,
        principal: {
          type: 'service' as const,
          service: 'cognito-idp.amazonaws.com',
          arn: null,
          accountId: null,
        },
        // Cognito names neither the function nor the pool: nothing is invented
        function: NO_FUNCTION,
        api: null,
      },
    }),
  ),
  {
    file: 'http-api-access-log/integration-permissions-clf.log',
    expected: {
      kind: 'http-api-integration-permissions',
      principal: APIGW,
      function: NO_FUNCTION,
      api: { httpMethod: 'GET', resourcePath: '$default' },
      requestIds: ['AZzecgvEPHcEPew='],
    },
  },
  {
    file: 'http-api-access-log/integration-permissions-kc-curly.log',
    expected: { kind: 'http-api-integration-permissions' },
  },
  {
    file: 'http-api-access-log/authorizer-permissions-kc.log',
    expected: { kind: 'http-api-authorizer-permissions' },
  },
];

function analyze(file: string, logGroup?: string) {
  const options = logGroup === undefined ? {} : { logGroup };
  return analyzeBatches(decodeInput(fixture(file), options));
}

function checkFacts(diagnosis: Diagnosis, expected: Expected): void {
  const { principal, function: fn, api, occurrences, requestIds, ...rest } = expected;
  expect(diagnosis).toMatchObject(rest);
  if (principal !== undefined) expect(diagnosis.principal).toMatchObject(principal);
  if (fn !== undefined) expect(diagnosis.function).toMatchObject(fn);
  if (api !== undefined)
    expect(diagnosis.api).toEqual(api === null ? null : expect.objectContaining(api));
  if (occurrences !== undefined) expect(diagnosis.occurrences).toBe(occurrences);
  if (requestIds !== undefined) expect(diagnosis.requestIds).toEqual(requestIds);
}

describe('analyzeBatches over real fixtures', () => {
  test.each(CASES)('$file', ({ file, logGroup, expected }) => {
    // Act
    const analysis = analyze(file, logGroup);

    // Assert
    expect(analysis.diagnoses).toHaveLength(1);
    const diagnosis = analysis.diagnoses[0]!;
    checkFacts(diagnosis, expected);
    expect(diagnosis.summary.length).toBeGreaterThan(20);
    expect(diagnosis.sample.length).toBeLessThanOrEqual(500);
    expect(diagnosis.fingerprint).toMatch(/^[0-9a-f]{32}$/);
  });

  test('every positive fixture has a row in the table', () => {
    const dirs = FORMAT_FAMILIES.map((family) => family.name);
    const files = dirs.flatMap((dir) =>
      readdirSync(join(EVENTS_DIR, dir)).map((name) => `${dir}/${name}`),
    );
    const covered = new Set(CASES.map((row) => row.file));
    // context-only trace: it has no failure line (checked below)
    const contextOnly = ['rest-execution-log/console-test-source-arn-null.log'];
    expect(files.filter((file) => !covered.has(file) && !contextOnly.includes(file))).toEqual([]);
  });

  const negatives = readdirSync(join(EVENTS_DIR, 'negative')).map((name) => `negative/${name}`);
  test.each([...negatives, 'rest-execution-log/console-test-source-arn-null.log'])(
    '%s yields no diagnosis',
    (file) => {
      const analysis = analyze(file);
      expect(analysis.eventsScanned).toBeGreaterThan(0);
      expect(analysis.diagnoses).toEqual([]);
    },
  );
});

describe('analyzeBatches grouping', () => {
  // The real 1.11 sentence inside the exact text the Node runtime logs for an SDK v2 error
  // (`Invoke Error ` + TAB + JSON.stringify(err)): errorMessage, message and stack[0].
  const sentence = fixture('iam-sentence/no-identity-policy.log')
    .trim()
    .replace(/^"errorMessage": "/, '')
    .replace(/",$/, '');
  const invokeError = `2020-01-27T20:45:51.054Z\tab2c1583-e26d-420e-acaf-cb03878c7f8b\tERROR\tInvoke Error \t${JSON.stringify(
    {
      errorType: 'AccessDeniedException',
      errorMessage: sentence,
      code: 'AccessDeniedException',
      message: sentence,
      statusCode: 403,
      stack: [`AccessDeniedException: ${sentence}`, '    at Object.extractError'],
    },
  )}`;

  function batch(events: LogBatch['events'], logGroup = '/aws/lambda/hit-counter'): LogBatch {
    return {
      format: 'data-message',
      owner: '458036673695',
      logGroup,
      logStream: 's',
      policyLevel: null,
      events,
    };
  }

  test('the same sentence three times in one Invoke Error event is ONE finding', () => {
    // Arrange
    expect(invokeError.split('is not authorized to perform').length - 1).toBe(3);

    // Act
    const analysis = analyzeBatches([
      batch([{ id: '1', timestamp: 1_600_000_000_000, message: invokeError }]),
    ]);

    // Assert
    expect(analysis.diagnoses).toHaveLength(1);
    expect(analysis.diagnoses[0]).toMatchObject({
      occurrences: 1,
      eventIds: ['1'],
      reason: 'no-identity-policy',
      firstSeen: '2020-09-13T12:26:40.000Z',
      logGroup: '/aws/lambda/hit-counter',
    });
  });

  test('identical findings in distinct events are grouped with exact counts and times', () => {
    // Arrange: three events, two of them with the same id (a redelivery)
    const events = [
      { id: 'a', timestamp: 2_000, message: invokeError },
      { id: 'b', timestamp: 1_000, message: invokeError },
      { id: 'a', timestamp: 2_000, message: invokeError },
    ];

    // Act
    const [diagnosis, ...others] = analyzeBatches([batch(events)]).diagnoses;

    // Assert
    expect(others).toEqual([]);
    expect(diagnosis).toMatchObject({
      occurrences: 2,
      firstSeen: '1970-01-01T00:00:01.000Z',
      lastSeen: '1970-01-01T00:00:02.000Z',
    });
  });

  test('session names do not split an incident; different functions do', () => {
    // Arrange
    const line = fixture('iam-sentence/sdk-v2-accountid-placeholder.log').trim();
    const otherSession = line.replace(
      'awslambda_959_20151123081502137',
      'awslambda_960_20151123091502999',
    );
    const otherFunction = line.replace('function:lambdaname', 'function:othername');

    // Act
    const analysis = analyzeBatches(decodeInput([line, otherSession, otherFunction].join('\n')));

    // Assert
    expect(analysis.diagnoses.map((d) => [d.function.name, d.occurrences])).toEqual([
      ['lambdaname', 2],
      ['othername', 1],
    ]);
    expect(analysis.diagnoses[0]!.eventIds).toEqual(['line:1', 'line:2']);
  });
});
