import { decodeInput } from '../../../lambda/core/decode/decodeInput';
import { analyzeBatches } from '../../../lambda/core/diagnose/analyzeBatches';
import { apiFromLogGroup } from '../../../lambda/core/formats/correlateApiGateway';
import type { LogBatch } from '../../../lambda/core/types';
import { fixture } from '../../helpers/fixture';

const GROUP = 'API-Gateway-Execution-Logs_abc123def45/dev';
const INFO = fixture('rest-execution-log/invalid-permissions-info.log')
  .split('\n')
  .filter((line) => line.trim() !== '');
const ERROR_ONLY = fixture('rest-execution-log/error-level-only.log').trim();

function batch(messages: readonly string[], start = 1536026489779): LogBatch {
  return {
    format: 'awslogs',
    owner: '123456789012',
    logGroup: GROUP,
    logStream: '2a38a4a9316c49e5a833517c45d31070',
    policyLevel: null,
    events: messages.map((message, i) => ({ id: `e${i}`, timestamp: start + i, message })),
  };
}

describe('API Gateway correlation', () => {
  test('reads api id and stage from the execution log group name', () => {
    expect(apiFromLogGroup(GROUP)).toEqual({ id: 'abc123def45', stage: 'dev' });
    expect(apiFromLogGroup('/aws/lambda/x')).toBeNull();
  });

  test('joins lines by request id and ignores other requests', () => {
    // Arrange: the failing request's lines interleaved with another request's (3.8)
    const other =
      '(706499f2-afe6-11e8-b7eb-8d53f824f304) Verifying Usage Plan for request: 706499f2-afe6-11e8-b7eb-8d53f824f304. API Key:  API Stage: abc123def45/dev';
    const events = [INFO[0]!, other, INFO[1]!];

    // Act
    const [diagnosis, ...rest] = analyzeBatches([batch(events)]).diagnoses;

    // Assert
    expect(rest).toEqual([]);
    expect(diagnosis).toMatchObject({
      kind: 'apigw-invalid-permissions',
      principal: { service: 'apigateway.amazonaws.com', accountId: '123456789012' },
      function: { name: 'simple_regex_lambda' },
      api: { id: 'abc123def45', stage: 'dev' },
      requestIds: ['d0f70f44-e843-42ff-b628-28384d82a707'],
      eventIds: ['e2'],
    });
  });

  test('X-Amz-Source-Arn gives api, method and path; console stage null is not a stage', () => {
    // Arrange: the console trace of 2.4 followed by the console failure line format of #62
    const trace = fixture('rest-execution-log/console-test-source-arn-null.log')
      .trimEnd()
      .split('\n');
    const failure =
      'Fri May 19 11:46:05 UTC 2017 : Execution failed due to configuration error: Invalid permissions on Lambda function';

    // Act
    const [diagnosis] = analyzeBatches(decodeInput([...trace, failure].join('\n'))).diagnoses;

    // Assert
    expect(diagnosis).toMatchObject({
      function: {
        name: 'hexaville-test-app-function',
        accountId: '158695423430',
        region: 'ap-northeast-1',
      },
      api: { id: 'kl1s049j9c', stage: null, httpMethod: 'GET', resourcePath: '/users' },
      principal: { accountId: '158695423430' },
      firstSeen: '2017-05-19T11:46:05.000Z',
    });
  });

  test('at ERROR level the function is unknown and one narrow lookup is requested', () => {
    // Act
    const analysis = analyzeBatches([
      batch([ERROR_ONLY, ERROR_ONLY.replace('f3ce6e03', 'a3ce6e03')]),
    ]);

    // Assert
    expect(analysis.diagnoses).toHaveLength(1);
    expect(analysis.diagnoses[0]).toMatchObject({
      function: { arn: null, name: null },
      occurrences: 2,
    });
    expect(analysis.pendingLookups).toEqual([
      {
        logGroup: GROUP,
        logStream: '2a38a4a9316c49e5a833517c45d31070',
        requestIds: [
          'f3ce6e03-582b-11e8-8f3a-cfe9e4701f18',
          'a3ce6e03-582b-11e8-8f3a-cfe9e4701f18',
        ],
        startTime: 1536026489779 - 5 * 60_000,
        endTime: 1536026489780 + 60_000,
      },
    ]);
  });

  test('WebSocket-style request ids are joined too', () => {
    const ws = INFO.map((line) =>
      line.replace('d0f70f44-e843-42ff-b628-28384d82a707', 'PDS1PEC4oAMFpyA='),
    );
    const [diagnosis] = analyzeBatches([batch(ws)]).diagnoses;
    expect(diagnosis).toMatchObject({
      requestIds: ['PDS1PEC4oAMFpyA='],
      function: { name: 'simple_regex_lambda' },
    });
  });
});

describe('X-Amz-Source-Arn with a greedy path parameter', () => {
  test('keeps the closing brace of {proxy+} in the resource path', () => {
    // Arrange: the 2.4 header shape with a proxy resource (2.5 shows `ANY /{proxy+}` routes)
    const id = 'd0f70f44-e843-42ff-b628-28384d82a707';
    const headers = `(${id}) Endpoint request headers: {x-amzn-lambda-integration-tag=${id}, X-Amz-Date=20170519T114605Z, x-amzn-apigateway-api-id=kl1s049j9c, X-Amz-Source-Arn=arn:aws:execute-api:ap-northeast-1:158695423430:kl1s049j9c/Prod/ANY/{proxy+}, Accept=application/json, User-Agent=AmazonAPIGateway_kl1s049j9c}`;
    const failure = `(${id}) Execution failed due to configuration error: Invalid permissions on Lambda function`;

    // Act
    const [diagnosis] = analyzeBatches([batch([headers, failure])]).diagnoses;

    // Assert
    expect(diagnosis?.api).toMatchObject({ httpMethod: 'ANY', resourcePath: '/{proxy+}' });
  });
});

describe('Lambda authorizer failures', () => {
  test('the authorizer id from "Starting authorizer" reaches the add-permission source ARN', () => {
    // Arrange: INFO-level lines of one request. `Starting authorizer: 4hugyv for request: <id>` is
    // verbatim from a public blog's execution log (2026-01, request 9cef3834-...); the URI and
    // failure lines are the Knowledge Center sequence of knowledge-center-integration.log with the `(id)` prefix of invalid-permissions-info.log.
    const id = '9cef3834-f42c-46d7-83fe-a6401a431398';
    const lines = [
      `(${id}) Extended Request Id: W9zMPGrHtjMEeFw=`,
      `(${id}) Starting authorizer: 4hugyv for request: ${id}`,
      `(${id}) Sending request to https://lambda.us-east-1.amazonaws.com/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:token-authorizer/invocations`,
      `(${id}) Execution failed due to configuration error: Invalid permissions on Lambda function`,
      `(${id}) Execution failed due to configuration error: Authorizer error`,
    ];

    // Act
    const [diagnosis] = analyzeBatches([
      { ...batch(lines), logGroup: 'API-Gateway-Execution-Logs_d3mcwv9k17/prod' },
    ]).diagnoses;

    // Assert
    expect(diagnosis).toMatchObject({
      kind: 'apigw-authorizer-invalid-permissions',
      function: { name: 'token-authorizer' },
      api: { id: 'd3mcwv9k17', stage: 'prod', authorizerId: '4hugyv' },
    });
    const command = diagnosis?.fixes.find((f) => f.kind === 'add-permission')?.command ?? '';
    expect(command).toContain('/authorizers/4hugyv');
  });
});
