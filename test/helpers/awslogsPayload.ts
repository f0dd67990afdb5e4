import { gzipSync } from 'node:zlib';
import type { CloudWatchLogsEvent } from 'aws-lambda';

/** One log event of a subscription delivery, as CloudWatch Logs sends it. */
export interface PayloadEvent {
  readonly id: string;
  readonly timestamp: number;
  readonly message: string;
}

/** Header fields of a DATA_MESSAGE; defaults are those of a REST execution-log delivery. */
export interface PayloadHeader {
  readonly owner?: string;
  readonly logGroup: string;
  readonly logStream?: string;
  readonly subscriptionFilters?: readonly string[];
  readonly messageType?: 'DATA_MESSAGE' | 'CONTROL_MESSAGE';
}

/**
 * Builds the Lambda event CloudWatch Logs delivers: `{ awslogs: { data } }` where data is the
 * gzipped, base64-encoded DATA_MESSAGE JSON, keys in the order real payloads use (test/events/awslogs/lambda-invoke-error-real.json).
 */
export function awslogsPayload(
  header: PayloadHeader,
  events: readonly PayloadEvent[],
): CloudWatchLogsEvent {
  const body = {
    messageType: header.messageType ?? 'DATA_MESSAGE',
    owner: header.owner ?? '123456789012',
    logGroup: header.logGroup,
    logStream: header.logStream ?? '2a38a4a9316c49e5a833517c45d31070',
    subscriptionFilters: header.subscriptionFilters ?? ['invoke-doctor'],
    logEvents: events,
  };
  return awslogsEvent(JSON.stringify(body));
}

/** Wraps any text the way CloudWatch Logs would (gzip + base64): for malformed-JSON cases. */
export function awslogsEvent(json: string): CloudWatchLogsEvent {
  return { awslogs: { data: gzipSync(Buffer.from(json, 'utf8')).toString('base64') } };
}

/**
 * Real CONTROL_MESSAGE shape (docs/formats.md, vector test fixture): owner `CloudwatchLogs`, empty
 * group and stream.
 */
export function controlMessagePayload(timestamp: number): CloudWatchLogsEvent {
  return awslogsEvent(
    JSON.stringify({
      messageType: 'CONTROL_MESSAGE',
      owner: 'CloudwatchLogs',
      logGroup: '',
      logStream: '',
      subscriptionFilters: [],
      logEvents: [
        {
          id: '',
          timestamp,
          message: 'CWL CONTROL MESSAGE: Checking health of destination Firehose.',
        },
      ],
    }),
  );
}

/** 56-digit CloudWatch event id (real ids are 56-digit decimal strings), unique per `seq`. */
export function eventId(timestamp: number, seq: number): string {
  return `${String(timestamp).padStart(20, '0')}${String(seq).padStart(36, '0')}`;
}

/** What a REST API stage's execution log holds for one Lambda-proxy request. */
export interface RestTrace {
  readonly requestId: string;
  readonly apiId: string;
  readonly stage: string;
  readonly httpMethod: string;
  readonly resourcePath: string;
  readonly functionArn: string;
  readonly region: string;
}

/**
 * The INFO-level execution-log lines of one REST request that API Gateway refused to send to Lambda,
 * in the order API Gateway writes them. Each line's shape is copied from formats.md: usage-plan lines
 * (3.8), `HTTP Method`/`Method request`/`Endpoint request URI` (2.3, 2.4, with the `(id) ` prefix of
 * 2.6/2.8), `Sending request to` + failure + `Method completed` (2.1, 2.6, 2.8). The last line is the
 * failure line, the only one an ERROR-level stage (or our subscription filter) keeps.
 */
export function restExecutionTrace(t: RestTrace): string[] {
  const id = t.requestId;
  const invokeUri = `https://lambda.${t.region}.amazonaws.com/2015-03-31/functions/${t.functionArn}/invocations`;
  return [
    `(${id}) Verifying Usage Plan for request: ${id}. API Key:  API Stage: ${t.apiId}/${t.stage}`,
    `(${id}) API Key  authorized because method '${t.httpMethod} ${t.resourcePath}' does not require API Key. Request will not contribute to throttle or quota limits`,
    `(${id}) Starting execution for request: ${id}`,
    `(${id}) HTTP Method: ${t.httpMethod}, Resource Path: ${t.resourcePath}`,
    `(${id}) Method request path: {}`,
    `(${id}) Method request query string: {}`,
    `(${id}) Method request headers: {}`,
    `(${id}) Method request body before transformations: `,
    `(${id}) Endpoint request URI: ${invokeUri}`,
    `(${id}) Sending request to ${invokeUri}`,
    `(${id}) Execution failed due to configuration error: Invalid permissions on Lambda function`,
    `(${id}) Method completed with status: 500`,
  ];
}
