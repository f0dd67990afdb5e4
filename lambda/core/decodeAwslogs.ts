import { gunzipSync } from 'node:zlib';
import { InvalidPayloadError } from './errors';
import { readDataMessage } from './readDataMessage';
import type { LogBatch } from './types';

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const BASE64_WHITESPACE = /\s+/g;

/** Parses gzip bytes holding a subscription payload (shared with decodeInput for raw gzip files). */
export function decodeGzipPayload(
  bytes: Uint8Array,
  format: 'awslogs' | 'data-message',
): LogBatch | null {
  if (bytes.length < 2 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) {
    throw new InvalidPayloadError('not-gzip', 'awslogs.data is not gzip data');
  }
  let text: string;
  try {
    text = gunzipSync(bytes).toString('utf8');
  } catch (error) {
    throw new InvalidPayloadError('not-gzip', 'awslogs.data is corrupt gzip data', {
      cause: error,
    });
  }
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch (error) {
    throw new InvalidPayloadError('not-json', 'awslogs.data does not hold JSON', { cause: error });
  }
  return readDataMessage(payload, format);
}

/**
 * Decodes `awslogs.data` of a CloudWatch Logs subscription event (base64 of gzip of a DATA_MESSAGE).
 * Returns null for CONTROL_MESSAGE; throws InvalidPayloadError (`bad-base64`, `not-gzip`, `not-json`,
 * `bad-shape`).
 */
export function decodeAwslogs(data: string): LogBatch | null {
  const compact =
    data.includes(' ') || data.includes('\n') ? data.replace(BASE64_WHITESPACE, '') : data;
  const bytes = Buffer.from(compact, 'base64');
  // Buffer skips characters that are not base64, so validate; but only when the bytes are not the
  // gzip we expect, which keeps the full-alphabet scan of a large payload off the hot path.
  const gzip = bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
  if (compact === '' || (!gzip && (compact.length % 4 === 1 || !BASE64.test(compact)))) {
    throw new InvalidPayloadError('bad-base64', 'awslogs.data is not base64');
  }
  return decodeGzipPayload(bytes, 'awslogs');
}
