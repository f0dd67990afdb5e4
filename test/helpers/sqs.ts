import { TEST_REGION } from './moto';
import { motoEndpoint } from './motoEndpoint';

/** Calls an SQS action through its JSON protocol, straight to moto (no SQS SDK client is installed). */
export async function sqs<T>(action: string, input: Record<string, unknown>): Promise<T> {
  const res = await fetch(motoEndpoint(), {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': `AmazonSQS.${action}`,
      authorization: `AWS4-HMAC-SHA256 Credential=testing/20260101/${TEST_REGION}/sqs/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body: JSON.stringify(input),
  });
  if (!res.ok) throw new Error(`SQS ${action}: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}
